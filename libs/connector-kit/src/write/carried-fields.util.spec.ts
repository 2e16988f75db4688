import { uncarriedFields } from './carried-fields.util';

describe('uncarriedFields', () => {
  it('passes a payload whose every present field is carried', () => {
    expect(uncarriedFields(['displayName', 'notes'], { displayName: 'A', notes: 'n' })).toEqual([]);
  });

  it('names every top-level field that is not carried, in payload order', () => {
    expect(
      uncarriedFields(['displayName'], { displayName: 'A', tags: ['vip'], marketingOptIn: false }),
    ).toEqual(['payload.tags', 'payload.marketingOptIn']);
  });

  it('treats undefined, empty arrays and empty objects as absent, but false, 0 and "" as values', () => {
    expect(uncarriedFields([], { a: undefined, b: [], c: {} })).toEqual([]);
    expect(uncarriedFields([], { a: false, b: 0, c: '' })).toEqual(['payload.a', 'payload.b', 'payload.c']);
  });

  it('lets a carried object path cover everything under it', () => {
    expect(
      uncarriedFields(['primaryContact'], { primaryContact: { name: 'A', email: 'a@b.c', phone: '1' } }),
    ).toEqual([]);
  });

  it('opens an object when only some of its fields are carried', () => {
    expect(
      uncarriedFields(['primaryContact.name', 'primaryContact.email'], {
        primaryContact: { name: 'A', email: 'a@b.c', phone: '555' },
      }),
    ).toEqual(['payload.primaryContact.phone']);
  });

  it('opens every element of an array and names the element by index', () => {
    const carries = ['lineItems[].description', 'lineItems[].quantity', 'lineItems[].unitPrice'];
    expect(
      uncarriedFields(carries, {
        lineItems: [
          { description: 'a', quantity: 1, unitPrice: 2 },
          { description: 'b', quantity: 1, unitPrice: 2, taxCode: 'X' },
        ],
      }),
    ).toEqual(['payload.lineItems[1].taxCode']);
  });

  it('refuses a whole array or object nothing under it is carried', () => {
    expect(uncarriedFields(['title'], { title: 't', lineItems: [{ description: 'a' }] })).toEqual([
      'payload.lineItems',
    ]);
    expect(uncarriedFields(['title'], { title: 't', send: { email: true } })).toEqual(['payload.send']);
  });

  it('accepts `x` and `x[]` alike for a whole array', () => {
    expect(uncarriedFields(['technicianIds'], { technicianIds: ['tec_1'] })).toEqual([]);
    expect(uncarriedFields(['technicianIds[]'], { technicianIds: ['tec_1'] })).toEqual([]);
  });
});
