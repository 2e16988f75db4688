import { validEntities, fid } from '../__fixtures__/entities.fixture';
import { expectIssueAt, expectValid } from '../__fixtures__/expect-issue.fixture';
import { attachmentSchema } from './attachment.schema';

describe('attachmentSchema', () => {
  const attachment = validEntities().attachment;

  it('accepts an attachment with an upl_ id', () => {
    expectValid(attachmentSchema, attachment);
    expect(attachment.id.startsWith('upl_')).toBe(true);
  });

  it('rejects a parent of the wrong type and a malformed checksum', () => {
    expectIssueAt(
      attachmentSchema,
      { ...attachment, parentId: fid('invoice', '600') },
      ['parentId'],
      /invoice id but parentType is job/,
    );
    expectIssueAt(attachmentSchema, { ...attachment, checksumSha256: 'ABC' }, ['checksumSha256']);
  });
});
