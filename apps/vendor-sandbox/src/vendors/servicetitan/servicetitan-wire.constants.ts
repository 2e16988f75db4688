import { ID_BASE } from '@fieldsync/sandbox-world';

/** The sandbox's office owner stands in for `createdById` (the world does not record who created what). */
export const CREATED_BY_ID = ID_BASE.employee;
