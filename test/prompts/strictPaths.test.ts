/**
 * Printed paths Handlebars' strict mode leaves silent or vague: through a block parameter, into a
 * string or number, with `{{lookup}}`. Each is an error naming the file, line, path, case and what
 * the value has; a path used as an argument (`{{#if item.note}}`) still makes optional content.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { compilePrompt } from '../../src/prompts/index.js';
import { thrownInputError } from '../helpers/thrown.js';
import { template, TEMPLATE_FILE as FILE } from '../helpers/templates.js';

const firstLine = (error: InputError): string => error.message.split('\n')[0]!;
const render = (body: string, vars: Record<string, unknown>, extra = ''): string => compilePrompt(template(body, extra)).render(vars, 'c1').user!;

describe('a path through a block parameter', () => {
  const examples = [
    { message: 'Where is my invoice?', reply: 'It is on its way.' },
    { message: 'Cancel my plan', reply: 'Done.' },
  ];

  it('of {{#each … as |item|}}: a misspelt property is an error naming file, line, path, case and the keys there are', () => {
    const compiled = compilePrompt(template('Examples:\n{{#each examples as |item|}}\nQ: {{item.mesage}}\n{{/each}}'));
    const error = thrownInputError(() => compiled.render({ examples }, 'ticket-017'));
    expect(firstLine(error)).toBe(
      `${FILE}:8: variable "item.mesage" is missing for case ticket-017: item has no "mesage" (did you mean "message"?) (available: message, reply)`,
    );
    expect(error.hint).toContain('{{#if item.mesage}}');
    expect(compiled.render({ examples: [{ mesage: 'typo in the data too' }] }, 'c2').user).toBe('Examples:\nQ: typo in the data too\n');
  });

  it('of {{#with … as |c|}}', () => {
    const compiled = compilePrompt(template('{{#with customer as |c|}}Dear {{c.nmae}},{{/with}}'));
    const error = thrownInputError(() => compiled.render({ customer: { name: 'Ann', plan: 'pro' } }, 'c4'));
    expect(firstLine(error)).toBe(`${FILE}:6: variable "c.nmae" is missing for case c4: c has no "nmae" (did you mean "name"?) (available: name, plan)`);
    expect(compiled.render({ customer: { nmae: 'Bo' } }, 'c5').user).toBe('Dear Bo,');
  });

  it('nested: the inner parameter, an outer one, and a part missing halfway', () => {
    const body = '{{#each orders as |order|}}\n{{#each order.lines as |line|}}\n{{order.id}}/{{line.sku}}/{{line.price.amount}}\n{{/each}}\n{{/each}}';
    const compiled = compilePrompt(template(body));
    expect(compiled.render({ orders: [{ id: 'o1', lines: [{ sku: 'a', price: { amount: 3 } }] }] }, 'c1').user).toBe('o1/a/3\n');
    const inner = thrownInputError(() => compiled.render({ orders: [{ id: 'o1', lines: [{ skew: 'a', price: { amount: 3 } }] }] }, 'c2'));
    expect(firstLine(inner)).toBe(`${FILE}:8: variable "line.sku" is missing for case c2: line has no "sku" (did you mean "skew"?) (available: skew, price)`);
    const outer = thrownInputError(() => compiled.render({ orders: [{ lines: [{ sku: 'a', price: { amount: 3 } }] }] }, 'c3'));
    expect(firstLine(outer)).toBe(`${FILE}:8: variable "order.id" is missing for case c3: order has no "id" (available: lines)`);
    const halfway = thrownInputError(() => compiled.render({ orders: [{ id: 'o1', lines: [{ sku: 'a', price: { value: 3 } }] }] }, 'c4'));
    expect(firstLine(halfway)).toBe(`${FILE}:8: variable "line.price.amount" is missing for case c4: line.price has no "amount" (available: value)`);
    const absent = thrownInputError(() => compiled.render({ orders: [{ id: 'o1', lines: [{ sku: 'a' }] }] }, 'c5'));
    expect(firstLine(absent)).toBe(`${FILE}:8: variable "line.price.amount" is missing for case c5: line has no "price" (available: sku)`);
    expect(absent.hint).toContain('{{#if line.price}}');
  });

  it('in a conversation template, in the system text and in a partial, each at its own line', () => {
    const turns = compilePrompt(template('{{#each examples as |ex|}}\n{{#user}}\n{{ex.mesage}}\n{{/user}}\n{{#assistant}}{{ex.reply}}{{/assistant}}\n{{/each}}\n{{#user}}{{message}}{{/user}}'));
    expect(firstLine(thrownInputError(() => turns.render({ examples, message: 'hi' }, 'c1')))).toMatch(/^prompts\/triage\.v2\.hbs:8: variable "ex\.mesage" is missing for case c1: ex has no "mesage"/);

    const system = compilePrompt(template('{{message}}', 'system: "{{#each rules as |rule|}}{{rule.txt}} {{/each}}"'));
    expect(firstLine(thrownInputError(() => system.render({ message: 'm', rules: [{ text: 'be brief' }] }, 'c2')))).toBe(
      `${FILE}:5: variable "rule.txt" is missing for case c2: rule has no "txt" (did you mean "text"?) (available: text)`,
    );

    const partials = { shot: 'Q: {{q.message}}\nA: {{q.replie}}' };
    const withPartial = compilePrompt(template('{{#each examples as |q|}}{{> shot q=q}}\n{{/each}}'), { partials });
    expect(firstLine(thrownInputError(() => withPartial.render({ examples }, 'c3')))).toBe(
      `${FILE}: variable "q.replie" is missing for case c3 (in partial "shot", its line 2): q has no "replie" (did you mean "reply"?) (available: message, reply)`,
    );
  });

  it('lets optional content be tested first, as for root variables: {{#if}}, {{#with}}, {{#each}}, {{#unless}} on a missing property', () => {
    const body = [
      '{{#each items as |item|}}',
      '{{item.title}}{{#if item.note}} ({{item.note}}){{/if}}',
      '{{#with item.address as |a|}}{{a.city}}{{else}}no address{{/with}}',
      '{{#each item.tags as |tag|}}#{{tag}} {{else}}no tags{{/each}}',
      '{{#unless item.done}}open{{/unless}};',
      '{{/each}}',
    ].join('\n');
    const items = [{ title: 'A' }, { title: 'B', note: 'n', address: { city: 'Oslo' }, tags: ['x'], done: true }];
    expect(render(body, { items })).toBe('A\nno address\nno tags\nopen;\nB (n)\nOslo\n#x \n;\n');
  });
});

describe('an argument path with a part before its last', () => {
  it('may miss its last part, but a missing part before it is an error at its line (it was a TypeError without one)', () => {
    const body = 'Orders:\n{{#each orders as |order|}}{{#if order.address.city}}to {{order.address.city}}{{else}}no city{{/if}};{{/each}}';
    const compiled = compilePrompt(template(body));
    expect(compiled.render({ orders: [{ address: { city: 'Oslo' } }, { address: {} }] }, 'c1').user).toBe('Orders:\nto Oslo;no city;');
    const error = thrownInputError(() => compiled.render({ orders: [{ address: { city: 'Oslo' } }, { adress: { city: 'Rome' } }] }, 'c2'));
    expect(firstLine(error)).toBe(`${FILE}:7: variable "order.address.city" is missing for case c2: order has no "address" (did you mean "adress"?) (available: adress)`);
    expect(error.hint).toContain('{{#if order.address}}');
    const root = thrownInputError(() => compilePrompt(template('{{#if customer.plan.name}}x{{/if}}')).render({ customer: { plan: null } }, 'c3'));
    expect(firstLine(root)).toBe(`${FILE}:6: variable "customer.plan.name" is missing for case c3: customer.plan is null, so it has no "name"`);
  });
});

describe('a property of a string or a number', () => {
  it('is an error at its line, naming what the value is, and a string has its length', () => {
    const compiled = compilePrompt(template('Word:\n{{word.lenght}}'));
    const error = thrownInputError(() => compiled.render({ word: 'hello' }, 'c7'));
    expect(firstLine(error)).toBe(
      `${FILE}:7: variable "word.lenght" is missing for case c7: word is a string ("hello"), which has no "lenght" (did you mean "length"?) (it has: length)`,
    );
    expect(render('{{word.length}} {{word.[0]}}', { word: 'hello' })).toBe('5 h');
    const number = thrownInputError(() => compilePrompt(template('{{#each counts as |n|}}{{n.value}}{{/each}}')).render({ counts: [3] }, 'c8'));
    expect(firstLine(number)).toBe(`${FILE}:6: variable "n.value" is missing for case c8: n is a number (3), which has no "value"`);
    expect(number.hint).toContain('give n an object value');
  });

  it("renders a string's length in a conversation, with each turn once", () => {
    const compiled = compilePrompt(template('{{#user}}{{question}}{{/user}}{{#assistant}}{{answer.length}} characters{{/assistant}}'));
    expect(compiled.render({ question: 'How long?', answer: 'four' }, 'c1').messages).toEqual([
      { role: 'user', content: 'How long?' },
      { role: 'assistant', content: '4 characters' },
    ]);
  });

  it('the current item of {{#each}} over strings', () => {
    const error = thrownInputError(() => compilePrompt(template('{{#each words}}{{this.lenght}}{{/each}}')).render({ words: ['ab'] }, 'c1'));
    expect(firstLine(error)).toMatch(/:6: variable "this\.lenght" is missing for case c1: the current item of \{\{#each words\}\} is a string \("ab"\)/);
  });

  it('a null value, named as null', () => {
    const error = thrownInputError(() => compilePrompt(template('{{customer.name}}')).render({ customer: null }, 'c1'));
    expect(firstLine(error)).toBe(`${FILE}:6: variable "customer.name" is missing for case c1: customer is null, so it has no "name"`);
  });
});

describe('a property inside a block', () => {
  it('names what the current item has', () => {
    const error = thrownInputError(() => compilePrompt(template('{{#each items}}{{mesage}}{{/each}}')).render({ items: [{ message: 'm' }] }, 'c1'));
    expect(firstLine(error)).toBe(
      `${FILE}:6: variable "mesage" is missing for case c1: the current item of {{#each items}} has no "mesage" (did you mean "message"?) (available: message)`,
    );
    expect(render('{{#each items}}{{message}}|{{../title}}{{/each}}', { items: [{ message: 'm' }], title: 'T' })).toBe('m|T');
  });
});

describe('a property read in a partial', () => {
  it('names the partial, its line and what the context has', () => {
    const partials = { row: 'Name: {{name}}\nPlan: {{plna}}' };
    const compiled = compilePrompt(template('{{#each customers}}{{> row}}\n{{/each}}'), { partials });
    expect(compiled.render({ customers: [{ name: 'Ann', plna: 'pro' }] }, 'c1').user).toBe('Name: Ann\nPlan: pro\n');
    expect(firstLine(thrownInputError(() => compiled.render({ customers: [{ name: 'Ann', plan: 'pro' }] }, 'c2')))).toBe(
      `${FILE}: variable "plna" is missing for case c2 (in partial "row", its line 2): the context of partial "row" has no "plna" (did you mean "plan"?) (available: name, plan)`,
    );
  });
});

describe('{{lookup obj key}}', () => {
  it('renders a key the value has and is an error for one it does not', () => {
    const body = 'Label: {{lookup labels code}}';
    expect(render(body, { labels: { a: 'Alpha', b: 'Beta' }, code: 'b' })).toBe('Label: Beta');
    expect(render('{{lookup names 1}}', { names: ['x', 'y'] })).toBe('y');
    const error = thrownInputError(() => compilePrompt(template(body)).render({ labels: { a: 'Alpha', b: 'Beta' }, code: 'c' }, 'c2'));
    expect(firstLine(error)).toBe(`${FILE}:6: {{lookup labels code}} (key "c") is missing for case c2: labels has no "c" (available: a, b)`);
    const list = thrownInputError(() => compilePrompt(template('{{lookup names 5}}')).render({ names: ['x', 'y'] }, 'c3'));
    expect(firstLine(list)).toBe(`${FILE}:6: {{lookup names 5}} (key "5") is missing for case c3: names is a list of 2, which has no "5" (available: 0 to 1, length)`);
  });

  it('inside a block parameter, and left lenient as an argument: {{#if (lookup …)}}', () => {
    const body = '{{#each rows as |row|}}{{lookup row ../field}}{{#if (lookup row "extra")}}+{{/if}};{{/each}}';
    expect(render(body, { rows: [{ a: 1 }, { a: 2, extra: true }], field: 'a' })).toBe('1;2+;');
    const error = thrownInputError(() => compilePrompt(template(body)).render({ rows: [{ b: 1 }], field: 'a' }, 'c4'));
    expect(firstLine(error)).toBe(`${FILE}:6: {{lookup row ../field}} (key "a") is missing for case c4: row has no "a" (available: b)`);
  });
});
