/**
 * The tenant's tag types (settings `tag-types`, `TagTypeResponse`): a ServiceTitan tenant sets its tags up
 * in its settings, and the API names them by id on jobs (`tagTypeIds`) and creates none. The world keeps
 * no tags, so the sandbox serves these as constants, as it does the hold and cancel reasons; one is
 * inactive, as tenants retire tags that older jobs still carry.
 */
export const SERVICETITAN_TAG_TYPES: readonly { id: number; name: string; active: boolean }[] = [
  { id: 301, name: 'VIP', active: true },
  { id: 302, name: 'Warranty', active: true },
  { id: 303, name: 'Second visit', active: true },
  { id: 304, name: 'Needs permit', active: true },
  { id: 305, name: 'Legacy system', active: false },
];

/**
 * The tags of a job the world made (the API's jobs carry the tags they were created with): a stable few
 * by job id, so a tenant's jobs are tagged as real ones are and a row never changes without its record.
 */
export function worldJobTagTypeIds(jobId: number): number[] {
  switch ((Math.imul(jobId, 2_654_435_761) >>> 0) % 10) {
    case 0:
      return [301];
    case 1:
      return [302, 303];
    case 2:
      return [305];
    case 3:
      return [304];
    default:
      return [];
  }
}
