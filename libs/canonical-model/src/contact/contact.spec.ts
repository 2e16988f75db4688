import { validEntities } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { contactSchema } from './contact.schema';

describe('contactSchema', () => {
  const contact = validEntities().contact;

  it('accepts a contact', () => expectValid(contactSchema, contact));

  it('requires a customer id', () => {
    expectIssueAt(
      contactSchema,
      { ...contact, customerId: 'cl_123' },
      ['customerId'],
      /canonical customer id/,
    );
  });

  it('rejects an unknown phone type', () => {
    const phones = [{ ...contact.phones[0], type: 'pager' }];
    expectIssueAt(contactSchema, { ...contact, phones }, ['phones', 0, 'type']);
  });
});
