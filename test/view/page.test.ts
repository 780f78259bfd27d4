import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VIEW_MODEL_VERSION, type ViewModel } from '../../engine/view/model';
import { contentSecurityPolicy, newNonce, renderPage } from '../../engine/view/page';
import { MODEL_ID } from '../../engine/view/protocol';

const model: ViewModel = {
  version: VIEW_MODEL_VERSION,
  job: 'job1',
  tasks: [{ id: 'A', className: 'A', dependencies: [], stage: 1 }],
  run: {
    runId: 'r',
    status: 'succeeded',
    startedAt: 0,
    lastTime: 1,
    durationMs: 1,
    lastSeq: 3,
    finished: true,
    output: { html: '</script><script>alert(1)</script><!--' },
    tasks: {},
    logs: [],
    droppedLogs: 0,
  },
};

/** The page's model, as the app reads it. */
function embedded(page: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${MODEL_ID}">([\\s\\S]*?)</script>`).exec(page);
  assert.ok(match, 'the model is in the page');
  return JSON.parse(match[1]);
}

describe('the graph page', () => {
  test('standalone: everything inline, and a policy that lets no request leave', () => {
    const nonce = newNonce();
    const page = renderPage(model, { nonce });
    assert.ok(
      page.includes(
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data:">`,
      ),
    );
    const scripts = [...page.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [` type="application/json" id="${MODEL_ID}"`, ` nonce="${nonce}"`], 'the model (data) and the app (with the nonce)');
    // CSS images are data: URIs (an SVG's own `url(#mask)` inside one refers to itself).
    assert.doesNotMatch(page, /<(link|img|iframe)\b|\bsrc=|url\((?!"data:|%23)/, 'nothing to fetch');
    assert.ok(page.length > 20_000, 'the app is inline');
  });

  test("the model comes back whole, whatever its text holds (a result's </script> ends nothing)", () => {
    const page = renderPage(model, { nonce: newNonce() });
    assert.deepEqual(embedded(page), model);
    assert.equal(page.match(/<\/script>/g)?.length, 2);
  });

  test("the webview's: its cspSource is allowed, and the app can be a file", () => {
    const page = renderPage(model, {
      nonce: 'abc',
      cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/view.js?x="1"',
    });
    assert.match(
      page,
      /content="default-src 'none'; script-src 'nonce-abc'; style-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net 'unsafe-inline'; img-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net data:; font-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net"/,
    );
    assert.ok(page.includes('<script nonce="abc" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/view.js?x=&quot;1&quot;"></script>'));
    assert.ok(page.length < 20_000, 'the app is not inline');
  });

  test('nonces are fresh and safe in the policy; anything else is refused', () => {
    assert.notEqual(newNonce(), newNonce());
    assert.match(newNonce(), /^[A-Za-z0-9+/]{22}==$/);
    assert.throws(() => renderPage(model, { nonce: "x' 'unsafe-eval" }), /Expected `nonce` to be base64 characters/);
    assert.equal(contentSecurityPolicy({ nonce: 'n' }), "default-src 'none'; script-src 'nonce-n'; style-src 'unsafe-inline'; img-src data:");
  });

  test('without a model (the host posts it later): no data block', () => {
    assert.ok(!renderPage(undefined, { nonce: 'n' }).includes(`id="${MODEL_ID}"`));
  });
});
