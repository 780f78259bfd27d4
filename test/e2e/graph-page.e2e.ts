// The graph page in Chromium, in the end-to-end run: setup.sh has installed Chromium and playwright-core.
import { graphPageSuite } from '../view/graph-page.suite';

graphPageSuite({ required: true });
