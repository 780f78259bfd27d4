import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { MAX_JSON_DEPTH, jsonProblem, stringifyImmune } from '../../engine/run/json-safe';

/** Plants `toJSON` on a prototype for the length of `fn` (synchronous: nothing else runs meanwhile). */
function polluted<T>(proto: object, fn: () => T, descriptor: PropertyDescriptor = { value: () => 'polluted', configurable: true, writable: true }): T {
  Object.defineProperty(proto, 'toJSON', descriptor);
  try {
    return fn();
  } finally {
    delete (proto as { toJSON?: unknown }).toJSON;
  }
}

describe('jsonProblem', () => {
  test('values JSON carries faithfully have no problem', () => {
    class Point {
      constructor(
        readonly x = 1,
        readonly y = 2,
      ) {}
    }
    const shared = { n: 1 };
    const faithful: unknown[] = [
      undefined,
      null,
      0,
      -1.5,
      'text',
      true,
      [],
      {},
      { a: 1, b: 'x', c: [1, 2, 3], d: { e: null, f: false } },
      [[[]], [{}]],
      Object.assign(Object.create(null) as object, { a: 1 }),
      new Point(),
      { a: shared, b: [shared, shared], c: { d: shared } },
      new String('boxed'),
      new Number(3),
      new Boolean(false),
      { optional: undefined, present: 1 },
    ];
    for (const value of faithful) assert.equal(jsonProblem(value), undefined, JSON.stringify(value));
  });

  test('NaN and the infinities name their path', () => {
    assert.equal(jsonProblem({ items: [1, 2, NaN] }), 'result.items[2] is NaN (JSON would write null)');
    assert.equal(jsonProblem({ a: { b: Infinity } }), 'result.a.b is Infinity (JSON would write null)');
    assert.equal(jsonProblem([-Infinity]), 'result[0] is -Infinity (JSON would write null)');
    assert.equal(jsonProblem(NaN), 'result is NaN (JSON would write null)');
    assert.equal(jsonProblem({ n: new Number(NaN) }), 'result.n is NaN (JSON would write null)');
  });

  test('Map, Set, WeakMap and WeakSet', () => {
    assert.equal(jsonProblem({ tags: new Set(['a']) }), 'result.tags is a Set (JSON would write {}; use [...set])');
    assert.match(jsonProblem({ m: new Map([['a', 1]]) }) ?? '', /^result\.m is a Map \(JSON would write \{\}/);
    assert.equal(jsonProblem({ w: new WeakMap() }), 'result.w is a WeakMap (JSON would write {})');
    assert.equal(jsonProblem([new WeakSet()]), 'result[0] is a WeakSet (JSON would write {})');
    assert.match(jsonProblem(new Map()) ?? '', /^result is a Map/);
  });

  test('functions and symbols: dropped in objects, null in arrays', () => {
    assert.equal(jsonProblem({ f: () => 1 }), 'result.f is a function (JSON would drop it)');
    assert.equal(jsonProblem({ list: [() => 1] }), 'result.list[0] is a function (JSON would write null)');
    assert.equal(jsonProblem(class Foo {}), 'result is a function (JSON would drop it)');
    assert.equal(jsonProblem({ s: Symbol('s') }), 'result.s is a symbol (JSON would drop it)');
    assert.equal(jsonProblem([Symbol('s')]), 'result[0] is a symbol (JSON would write null)');
    assert.equal(jsonProblem(Symbol('s')), 'result is a symbol (JSON would drop it)');
  });

  test('undefined: allowed as a property and as the whole value, not in an array (nor a hole)', () => {
    assert.equal(jsonProblem({ a: undefined }), undefined);
    assert.equal(jsonProblem(undefined), undefined);
    assert.equal(jsonProblem({ list: [1, undefined] }), 'result.list[1] is undefined (JSON would write null)');
    // eslint-disable-next-line no-sparse-arrays
    assert.equal(jsonProblem({ list: [1, , 3] }), 'result.list[1] is undefined (JSON would write null)');
  });

  test('BigInt, plain and boxed', () => {
    assert.equal(jsonProblem({ big: 10n }), 'result.big is a BigInt (JSON cannot write a bigint)');
    assert.equal(jsonProblem(10n), 'result is a BigInt (JSON cannot write a bigint)');
    assert.match(jsonProblem({ big: Object(10n) as object }) ?? '', /^result\.big is a BigInt object/);
  });

  test('a BigInt is written through BigInt.prototype.toJSON when task code defines one, as JSON.stringify does', () => {
    const toJSON = {
      value: function (this: bigint) {
        return this.toString();
      },
      configurable: true,
      writable: true,
    };
    assert.equal(
      polluted(BigInt.prototype, () => jsonProblem({ big: 10n }), toJSON),
      undefined,
    );
    assert.equal(
      polluted(BigInt.prototype, () => JSON.stringify({ big: 10n }), toJSON),
      '{"big":"10"}',
    );
  });

  test('circular references name both ends; shared references are fine', () => {
    const self: Record<string, unknown> = {};
    self.self = self;
    assert.equal(jsonProblem(self), 'result.self is a circular reference to result');
    const deep: { a: { b: unknown[] } } = { a: { b: [] } };
    deep.a.b.push({ back: deep.a });
    assert.equal(jsonProblem(deep), 'result.a.b[0].back is a circular reference to result.a');
    const list: unknown[] = [];
    list.push(list);
    assert.equal(jsonProblem(list), 'result[0] is a circular reference to result');
    const shared = [1, 2];
    assert.equal(jsonProblem({ x: shared, y: shared, z: [shared, { shared }] }), undefined);
  });

  test('Promises ask whether an await was forgotten', () => {
    const promise = Promise.resolve(1);
    assert.equal(jsonProblem({ p: promise }), 'result.p is a Promise (JSON would write {}; did you forget await?)');
    assert.match(jsonProblem(promise) ?? '', /^result is a Promise .*forget await/);
  });

  test('typed arrays, ArrayBuffer and DataView', () => {
    assert.equal(jsonProblem({ bytes: new Uint8Array(2) }), 'result.bytes is a Uint8Array (JSON would write an object with numeric keys; use Array.from())');
    assert.match(jsonProblem({ f: new Float64Array(1) }) ?? '', /^result\.f is a Float64Array/);
    assert.equal(jsonProblem({ buf: new ArrayBuffer(4) }), 'result.buf is an ArrayBuffer (JSON would write {})');
    assert.equal(jsonProblem({ view: new DataView(new ArrayBuffer(4)) }), 'result.view is a DataView (JSON would write {})');
  });

  test('RegExp and Error objects (JSON writes {})', () => {
    assert.equal(jsonProblem({ re: /x/g }), 'result.re is a RegExp (JSON would write {})');
    assert.equal(jsonProblem({ error: new Error('boom') }), 'result.error is an Error (JSON would write {}, without its message)');
    class MyError extends TypeError {}
    assert.match(jsonProblem([new MyError('x')]) ?? '', /^result\[0\] is an Error/);
  });

  test('iterators (JSON writes {})', () => {
    assert.match(jsonProblem({ keys: new Map([[1, 2]]).keys() }) ?? '', /^result\.keys is an iterator/);
    function* gen() {
      yield 1;
    }
    assert.match(jsonProblem({ g: gen() }) ?? '', /^result\.g is an iterator/);
  });

  test('keys that are not identifiers are quoted', () => {
    assert.equal(jsonProblem({ 'a b': NaN }), 'result["a b"] is NaN (JSON would write null)');
    assert.equal(jsonProblem({ x: { '0': { 'quo"te': NaN } } }), 'result.x["0"]["quo\\"te"] is NaN (JSON would write null)');
    assert.equal(jsonProblem({ $ok_1: NaN }), 'result.$ok_1 is NaN (JSON would write null)');
  });

  test('the root can be named', () => {
    assert.equal(jsonProblem({ a: NaN }, 'output'), 'output.a is NaN (JSON would write null)');
  });

  test('toJSON is honoured: what it returns is checked', () => {
    assert.equal(jsonProblem({ when: new Date(0) }), undefined);
    assert.equal(jsonProblem({ bytes: Buffer.from('hi') }), undefined, 'a Buffer writes {type, data}');
    class Money {
      constructor(readonly cents: number) {}
      toJSON() {
        return { amount: this.cents / 100, currency: new Set(['EUR']) };
      }
    }
    class Fine {
      private readonly hidden = new Map();
      toJSON() {
        return { size: this.hidden.size };
      }
    }
    assert.equal(jsonProblem({ price: new Money(100) }), 'result.price.currency is a Set (JSON would write {}; use [...set])');
    assert.equal(jsonProblem({ fine: new Fine() }), undefined, 'the Map inside is never written');
    const keys: string[] = [];
    jsonProblem({ a: { toJSON: (key: string) => keys.push(key) }, b: [{ toJSON: (key: string) => keys.push(key) }] });
    assert.deepEqual(keys, ['a', '0'], 'toJSON gets the key, as from JSON.stringify');
  });

  test('an invalid Date is reported (its toJSON returns null)', () => {
    assert.equal(jsonProblem({ d: new Date(NaN) }), 'result.d is an invalid Date (JSON would write null)');
  });

  test('a getter or a toJSON that throws is reported, not thrown', () => {
    const getter = {
      get value(): number {
        throw new Error('nope');
      },
    };
    assert.equal(jsonProblem({ g: getter }), 'reading result.g.value threw: nope');
    assert.equal(
      jsonProblem({
        t: {
          toJSON() {
            throw new Error('bad toJSON');
          },
        },
      }),
      'calling toJSON() of result.t threw: bad toJSON',
    );
  });

  test('a toJSON planted on Object.prototype or Array.prototype is ignored', () => {
    const value = { a: [1, { b: NaN }] };
    assert.equal(
      polluted(Object.prototype, () => jsonProblem(value)),
      'result.a[1].b is NaN (JSON would write null)',
    );
    assert.equal(
      polluted(Array.prototype, () => jsonProblem(value)),
      'result.a[1].b is NaN (JSON would write null)',
    );
    // A getter planted there is not even called.
    let called = false;
    const getter = {
      get: () => {
        called = true;
        return () => ({ x: NaN });
      },
      configurable: true,
    };
    assert.equal(
      polluted(Object.prototype, () => jsonProblem({ fine: [1] }), getter),
      undefined,
    );
    assert.equal(called, false);
    // Real toJSON methods still count.
    assert.equal(
      polluted(Object.prototype, () => jsonProblem({ d: new Date(NaN) })),
      'result.d is an invalid Date (JSON would write null)',
    );
    assert.equal(
      polluted(Object.prototype, () => jsonProblem({ b: Buffer.from('x') })),
      undefined,
    );
  });

  test('deep nesting does not overflow the stack: a clear message past the bound', () => {
    let ok: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH - 1; i++) ok = { a: ok };
    assert.equal(jsonProblem(ok), undefined);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(ok)), 'JSON itself copes with what is allowed');
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const problem = jsonProblem({ deep }) ?? '';
    assert.match(problem, new RegExp(`^result\\.deep\\[0\\]\\[0\\].*….*\\[0\\] is nested more than ${MAX_JSON_DEPTH} levels deep`));
    assert.ok(problem.length < 400, 'the path is shortened');
  });

  test('a wide result is walked without recursion problems and in order', () => {
    const wide = Array.from({ length: 10_000 }, (_, i) => ({ i, s: `v${i}` }));
    assert.equal(jsonProblem(wide), undefined);
    (wide[9_999] as Record<string, unknown>).s = Infinity;
    assert.equal(jsonProblem(wide), 'result[9999].s is Infinity (JSON would write null)');
  });

  test('agrees with JSON.stringify round-trips on faithful values', () => {
    const values = [{ a: [1, 'x', null, { b: true }] }, [1, [2, [3]]], { d: new Date(0), u: undefined }];
    for (const v of values) {
      assert.equal(jsonProblem(v), undefined);
      JSON.parse(JSON.stringify(v));
    }
  });
});

describe('stringifyImmune', () => {
  const value = { a: [1, { b: 'two', u: undefined }, null], d: new Date(0), buf: Buffer.from('a'), s: 'q"uote' };
  const expected = JSON.stringify(value);

  test('is JSON.stringify when nothing is planted', () => {
    assert.equal(stringifyImmune(value), expected);
    assert.equal(stringifyImmune('x'), '"x"');
    assert.equal(stringifyImmune(1), '1');
    assert.equal(stringifyImmune(undefined), JSON.stringify(undefined));
  });

  test('ignores a toJSON planted on Object.prototype, and puts it back', () => {
    const planted = () => 'polluted';
    const [text, plain, after] = polluted(
      Object.prototype,
      () => [stringifyImmune(value), JSON.stringify(value), (Object.prototype as { toJSON?: unknown }).toJSON],
      {
        value: planted,
        configurable: true,
        writable: true,
        enumerable: true,
      },
    );
    assert.equal(plain, '"polluted"', 'the pollution is real');
    assert.equal(text, expected);
    assert.equal(after, planted, 'restored after the call');
  });

  test('ignores a toJSON planted on Array.prototype', () => {
    assert.equal(
      polluted(Array.prototype, () => stringifyImmune(value)),
      expected,
    );
  });

  test('puts the planted toJSON back even when stringify throws', () => {
    const planted = () => 'polluted';
    polluted(
      Object.prototype,
      () => {
        assert.throws(() => stringifyImmune({ big: 1n }), /BigInt/);
        assert.equal((Object.prototype as { toJSON?: unknown }).toJSON, planted);
        const descriptor = Object.getOwnPropertyDescriptor(Object.prototype, 'toJSON');
        assert.equal(descriptor?.enumerable, false, 'with its own descriptor');
      },
      { value: planted, configurable: true, writable: true, enumerable: false },
    );
  });

  test('a getter planted on Object.prototype is ignored too', () => {
    assert.equal(
      polluted(Object.prototype, () => stringifyImmune(value), { get: () => () => 'polluted', configurable: true }),
      expected,
    );
  });

  test('a planted toJSON that cannot be removed is ignored by writing the JSON by hand', () => {
    // A non-configurable toJSON can never be taken off again: plant it in a process of its own.
    const code = `
      const { stringifyImmune } = require(${JSON.stringify(path.resolve(__dirname, '../../engine/run/json-safe.ts'))});
      const value = { a: [1, { b: 'two', u: undefined }, null, () => 1, Symbol('s')], n: NaN, i: -Infinity, nested: { 'k"ey': 'q"uote\\n' }, d: new Date(0), b: Buffer.from('z'), e: [], o: {}, t: { toJSON: (k) => 'key:' + k }, s: new String('boxed') };
      const expected = JSON.stringify(value);
      Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'polluted', configurable: false });
      Object.defineProperty(Array.prototype, 'toJSON', { value: () => 'polluted', configurable: false });
      let circular = 'no error';
      const c = {}; c.c = c;
      try { stringifyImmune(c); } catch (e) { circular = e.constructor.name; }
      process.stdout.write([expected, stringifyImmune(value), JSON.stringify([1]), circular].join('\\n'));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8' }).split('\n');
    const [expected, immune, plain, circular] = out;
    assert.equal(plain, '"polluted"', 'the pollution is real');
    assert.equal(immune, expected);
    assert.equal(circular, 'TypeError');
  });
});
