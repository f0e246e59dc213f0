const t0 = performance.now();
const m = await import('../dist/index.js');
const t1 = performance.now();
m.jsonSchema({ schema: { type: 'object', required: ['category', 'summary'], properties: { category: { enum: ['billing', 'bug', 'account'] }, summary: { type: 'string' } } } });
const t2 = performance.now();
try { m.jsonSchema({ schema: { type: 'object', properties: { a: { type: 'strin' } } } }); } catch (e) { console.log(e.message); }
try { m.jsonSchema({ schema: { $id: 'not a uri ::', type: 'object', properties: { a: { minimum: 'x' } } } }); } catch (e) { console.log(e.message); }
console.log('load', (t1 - t0).toFixed(0), 'first schema', (t2 - t1).toFixed(0));
