// The graph page in Chromium, where Chromium and playwright-core are installed (else skipped, saying why).
import { graphPageSuite } from './graph-page.suite';

graphPageSuite({ required: false });
