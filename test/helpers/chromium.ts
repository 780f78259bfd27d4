/** Debian's Chromium, as the end-to-end harness and the graph page's tests launch it. */
export const CHROMIUM = '/usr/bin/chromium';

/** No sandbox or GPU, and none of the background requests Chromium makes by itself. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
