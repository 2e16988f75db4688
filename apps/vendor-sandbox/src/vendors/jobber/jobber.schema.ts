import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * Jobber's GraphQL schema as far as the sandbox models it (vendors.md §2): Jobber's type, field, enum
 * and input names. Visits and properties have no `updatedAt` (reach them through their parents); the
 * roots that take `filter: {updatedAt}` are the ones Jobber offers it on.
 */
export const JOBBER_SDL = /* GraphQL */ `
  "Base64 of gid://Jobber/<Type>/<id>."
  scalar EncodedId
  "ISO-8601 date-time with the account's UTC offset, seconds precision."
  scalar ISO8601DateTime

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum SortDirectionEnum {
    ASCENDING
    DESCENDING
  }

  input Iso8601DateTimeRangeInput {
    after: ISO8601DateTime
    before: ISO8601DateTime
  }

  type Account {
    id: EncodedId!
    name: String!
  }

  type Email {
    address: String!
    primary: Boolean!
    description: String
  }
  type PhoneNumber {
    number: String!
    primary: Boolean!
    description: String
    smsAllowed: Boolean!
  }
  type Coordinates {
    latitude: Float!
    longitude: Float!
  }
  type ClientAddress {
    street: String
    street1: String
    street2: String
    city: String
    province: String
    postalCode: String
    country: String
  }
  type PropertyAddress {
    street: String
    street1: String
    street2: String
    city: String
    province: String
    postalCode: String
    country: String
    coordinates: Coordinates
  }
  type TaxRate {
    id: EncodedId!
    name: String!
    tax: Float!
  }
  type Tag {
    id: EncodedId!
    label: String!
  }
  type TagConnection {
    edges: [TagEdge!]!
    nodes: [Tag!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type TagEdge {
    cursor: String!
    node: Tag!
  }

  type Client {
    id: EncodedId!
    firstName: String!
    lastName: String!
    companyName: String
    isCompany: Boolean!
    name: String!
    title: String
    emails: [Email!]!
    phones: [PhoneNumber!]!
    billingAddress: ClientAddress
    balance: Float!
    isLead: Boolean!
    isArchived: Boolean!
    tags(first: Int, after: String): TagConnection!
    clientProperties(first: Int, after: String): PropertyConnection!
    jobs(first: Int, after: String): JobConnection!
    invoices(first: Int, after: String): InvoiceConnection!
    quotes(first: Int, after: String): QuoteConnection!
    requests(first: Int, after: String): RequestConnection!
    createdAt: ISO8601DateTime!
    updatedAt: ISO8601DateTime!
  }
  type ClientEdge {
    cursor: String!
    node: Client!
  }
  type ClientConnection {
    edges: [ClientEdge!]!
    nodes: [Client!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  input ClientFilterAttributes {
    updatedAt: Iso8601DateTimeRangeInput
    createdAt: Iso8601DateTimeRangeInput
    isArchived: Boolean
    isLead: Boolean
    tags: [String!]
  }
  enum ClientsSortableFields {
    UPDATED_AT
    CREATED_AT
    NAME
  }
  input ClientsSortInput {
    key: ClientsSortableFields!
    direction: SortDirectionEnum!
  }

  type Property {
    id: EncodedId!
    name: String
    address: PropertyAddress!
    client: Client
    taxRate: TaxRate
    jobs(first: Int, after: String): JobConnection!
  }
  type PropertyEdge {
    cursor: String!
    node: Property!
  }
  type PropertyConnection {
    edges: [PropertyEdge!]!
    nodes: [Property!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  enum RequestStatusTypeEnum {
    new
    completed
    converted
    archived
    upcoming
    overdue
    unscheduled
    assessment_completed
    today
  }
  type Request {
    id: EncodedId!
    title: String
    requestStatus: RequestStatusTypeEnum!
    "How the request came in (the marketing source the office recorded)."
    source: String!
    client: Client
    property: Property
    createdAt: ISO8601DateTime!
    updatedAt: ISO8601DateTime!
  }
  type RequestEdge {
    cursor: String!
    node: Request!
  }
  type RequestConnection {
    edges: [RequestEdge!]!
    nodes: [Request!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  input RequestFilterAttributes {
    updatedAt: Iso8601DateTimeRangeInput
    status: RequestStatusTypeEnum
  }

  type LineItem {
    id: EncodedId!
    name: String!
    description: String
    quantity: Float!
    unitPrice: Float!
    totalPrice: Float!
    taxable: Boolean!
    linkedProductOrService: ProductOrService
  }
  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    edges: [LineItemEdge!]!
    nodes: [LineItem!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  enum QuoteStatusTypeEnum {
    draft
    awaiting_response
    archived
    approved
    converted
    changes_requested
  }
  type QuoteAmounts {
    subtotal: Float!
    taxAmount: Float!
    discountAmount: Float!
    depositAmount: Float!
    total: Float!
  }
  type Quote {
    id: EncodedId!
    quoteNumber: String!
    quoteStatus: QuoteStatusTypeEnum!
    title: String
    amounts: QuoteAmounts!
    lineItems(first: Int, after: String): LineItemConnection!
    client: Client
    property: Property
    request: Request
    salesperson: User
    createdAt: ISO8601DateTime!
    updatedAt: ISO8601DateTime!
  }
  type QuoteEdge {
    cursor: String!
    node: Quote!
  }
  type QuoteConnection {
    edges: [QuoteEdge!]!
    nodes: [Quote!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  input QuoteFilterAttributes {
    updatedAt: Iso8601DateTimeRangeInput
    status: QuoteStatusTypeEnum
  }

  enum JobStatusTypeEnum {
    requires_invoicing
    archived
    late
    today
    upcoming
    action_required
    on_hold
    unscheduled
    active
    expiring_within_30_days
  }
  enum JobTypeTypeEnum {
    ONE_OFF
    RECURRING
  }
  type Job {
    id: EncodedId!
    jobNumber: Int!
    title: String
    instructions: String
    jobStatus: JobStatusTypeEnum!
    jobType: JobTypeTypeEnum!
    total: Float!
    startAt: ISO8601DateTime
    endAt: ISO8601DateTime
    completedAt: ISO8601DateTime
    client: Client!
    property: Property
    visits(first: Int, after: String): VisitConnection!
    invoices(first: Int, after: String): InvoiceConnection!
    quote: Quote
    createdAt: ISO8601DateTime!
    updatedAt: ISO8601DateTime!
  }
  type JobEdge {
    cursor: String!
    node: Job!
  }
  type JobConnection {
    edges: [JobEdge!]!
    nodes: [Job!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  input JobFilterAttributes {
    updatedAt: Iso8601DateTimeRangeInput
    createdAt: Iso8601DateTimeRangeInput
    status: JobStatusTypeEnum
    jobType: JobTypeTypeEnum
  }
  enum JobsSortableFields {
    UPDATED_AT
    CREATED_AT
    JOB_NUMBER
  }
  input JobsSortInput {
    key: JobsSortableFields!
    direction: SortDirectionEnum!
  }

  enum VisitStatusTypeEnum {
    ACTIVE
    COMPLETED
    LATE
    TODAY
    UNSCHEDULED
    UPCOMING
  }
  type Visit {
    id: EncodedId!
    title: String
    instructions: String
    visitStatus: VisitStatusTypeEnum!
    startAt: ISO8601DateTime
    endAt: ISO8601DateTime
    isComplete: Boolean!
    completedAt: ISO8601DateTime
    assignedUsers(first: Int, after: String): UserConnection!
    job: Job!
    client: Client!
    property: Property
    createdAt: ISO8601DateTime!
  }
  type VisitEdge {
    cursor: String!
    node: Visit!
  }
  type VisitConnection {
    edges: [VisitEdge!]!
    nodes: [Visit!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  "Scheduled visits only (an unscheduled visit has no startAt to match)."
  input VisitFilterAttributes {
    startAt: Iso8601DateTimeRangeInput
    endAt: Iso8601DateTimeRangeInput
  }

  enum InvoiceStatusTypeEnum {
    draft
    awaiting_payment
    paid
    past_due
    bad_debt
    sent_not_due
  }
  type InvoiceAmounts {
    subtotal: Float!
    taxAmount: Float!
    discountAmount: Float!
    depositAmount: Float!
    paymentsTotal: Float!
    tipsTotal: Float!
    invoiceBalance: Float!
    total: Float!
  }
  type Invoice {
    id: EncodedId!
    invoiceNumber: String!
    invoiceStatus: InvoiceStatusTypeEnum!
    subject: String
    issuedDate: ISO8601DateTime
    dueDate: ISO8601DateTime
    receivedDate: ISO8601DateTime
    amounts: InvoiceAmounts!
    lineItems(first: Int, after: String): LineItemConnection!
    paymentRecords(first: Int, after: String): PaymentRecordConnection!
    client: Client!
    properties(first: Int, after: String): PropertyConnection!
    jobs(first: Int, after: String): JobConnection!
    createdAt: ISO8601DateTime!
    updatedAt: ISO8601DateTime!
  }
  type InvoiceEdge {
    cursor: String!
    node: Invoice!
  }
  type InvoiceConnection {
    edges: [InvoiceEdge!]!
    nodes: [Invoice!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  input InvoiceFilterAttributes {
    updatedAt: Iso8601DateTimeRangeInput
    createdAt: Iso8601DateTimeRangeInput
    status: InvoiceStatusTypeEnum
  }
  enum InvoicesSortableFields {
    UPDATED_AT
    CREATED_AT
    INVOICE_NUMBER
  }
  input InvoicesSortInput {
    key: InvoicesSortableFields!
    direction: SortDirectionEnum!
  }

  enum PaymentTypeEnum {
    CASH
    CHEQUE
    CREDIT_CARD
    BANK_TRANSFER
    MONEY_ORDER
    OTHER
    JOBBER_PAYMENTS
  }
  type PaymentRecord {
    id: EncodedId!
    amount: Float!
    tipAmount: Float!
    entryDate: ISO8601DateTime!
    paymentType: PaymentTypeEnum!
    details: String
    client: Client!
    invoice: Invoice
  }
  type PaymentRecordEdge {
    cursor: String!
    node: PaymentRecord!
  }
  type PaymentRecordConnection {
    edges: [PaymentRecordEdge!]!
    nodes: [PaymentRecord!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type UserName {
    first: String!
    last: String!
    full: String!
  }
  type UserEmail {
    raw: String!
  }
  type UserPhone {
    raw: String!
    friendly: String!
  }
  enum UserStatusEnum {
    ACTIVATED
    DEACTIVATED
  }
  type User {
    id: EncodedId!
    name: UserName!
    email: UserEmail!
    phone: UserPhone
    status: UserStatusEnum!
    isAccountOwner: Boolean!
    createdAt: ISO8601DateTime!
  }
  type UserEdge {
    cursor: String!
    node: User!
  }
  type UserConnection {
    edges: [UserEdge!]!
    nodes: [User!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  enum ProductsAndServicesCategory {
    PRODUCT
    SERVICE
  }
  type ProductOrService {
    id: EncodedId!
    name: String!
    description: String
    category: ProductsAndServicesCategory!
    defaultUnitCost: Float!
    internalUnitCost: Float
    taxable: Boolean!
    durationMinutes: Int
  }
  type ProductOrServiceEdge {
    cursor: String!
    node: ProductOrService!
  }
  type ProductOrServiceConnection {
    edges: [ProductOrServiceEdge!]!
    nodes: [ProductOrService!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Query {
    account: Account!
    client(id: EncodedId!): Client
    clients(
      first: Int
      after: String
      filter: ClientFilterAttributes
      sort: [ClientsSortInput!]
      searchTerm: String
    ): ClientConnection!
    property(id: EncodedId!): Property
    properties(first: Int, after: String): PropertyConnection!
    request(id: EncodedId!): Request
    requests(first: Int, after: String, filter: RequestFilterAttributes): RequestConnection!
    quote(id: EncodedId!): Quote
    quotes(first: Int, after: String, filter: QuoteFilterAttributes): QuoteConnection!
    job(id: EncodedId!): Job
    jobs(first: Int, after: String, filter: JobFilterAttributes, sort: [JobsSortInput!]): JobConnection!
    visit(id: EncodedId!): Visit
    visits(first: Int, after: String, filter: VisitFilterAttributes): VisitConnection!
    invoice(id: EncodedId!): Invoice
    invoices(
      first: Int
      after: String
      filter: InvoiceFilterAttributes
      sort: [InvoicesSortInput!]
    ): InvoiceConnection!
    paymentRecord(id: EncodedId!): PaymentRecord
    paymentRecords(first: Int, after: String): PaymentRecordConnection!
    user(id: EncodedId!): User
    users(first: Int, after: String): UserConnection!
    productOrService(id: EncodedId!): ProductOrService
    productsAndServices(first: Int, after: String): ProductOrServiceConnection!
  }

  type MutationErrors {
    message: String!
    path: [String!]!
  }

  input EmailCreateAttributes {
    address: String!
    primary: Boolean
    description: String
  }
  input PhoneNumberCreateAttributes {
    number: String!
    primary: Boolean
    description: String
  }
  input AddressAttributes {
    street1: String
    street2: String
    city: String
    province: String
    postalCode: String
    country: String
  }
  input ClientCreateInput {
    firstName: String
    lastName: String
    companyName: String
    isCompany: Boolean
    emails: [EmailCreateAttributes!]
    phones: [PhoneNumberCreateAttributes!]
    billingAddress: AddressAttributes
  }
  input ClientEditInput {
    firstName: String
    lastName: String
    companyName: String
    isCompany: Boolean
    billingAddress: AddressAttributes
    "Labels to add to the client's tags (one already there is kept once)."
    tagsToAdd: [String!]
    "Labels to remove from the client's tags."
    tagsToDelete: [String!]
  }
  type ClientCreatePayload {
    client: Client
    userErrors: [MutationErrors!]!
  }
  type ClientEditPayload {
    client: Client
    userErrors: [MutationErrors!]!
  }

  input PropertyAttributes {
    address: AddressAttributes!
  }
  input PropertyCreateInput {
    properties: [PropertyAttributes!]!
  }
  type PropertyCreatePayload {
    properties: [Property!]
    userErrors: [MutationErrors!]!
  }

  input LineItemAttributes {
    name: String
    description: String
    quantity: Float
    unitPrice: Float
    taxable: Boolean
    productOrServiceId: EncodedId
  }
  input QuoteCreateAttributes {
    jobId: EncodedId!
    title: String
    lineItems: [LineItemAttributes!]
  }
  type QuoteCreatePayload {
    quote: Quote
    userErrors: [MutationErrors!]!
  }

  input JobSchedulingAttributes {
    startAt: ISO8601DateTime
    endAt: ISO8601DateTime
    assignedUserIds: [EncodedId!]
  }
  input JobCreateAttributes {
    propertyId: EncodedId!
    title: String
    instructions: String
    jobNumber: Int
    scheduling: JobSchedulingAttributes
    salespersonId: EncodedId
    quoteId: EncodedId
    requestId: EncodedId
  }
  type JobCreatePayload {
    job: Job
    userErrors: [MutationErrors!]!
  }
  input JobCloseInput {
    modifyIncompleteVisitsBy: String
  }
  type JobClosePayload {
    job: Job
    userErrors: [MutationErrors!]!
  }

  input AppointmentEditAssignmentInput {
    assignedUserIds: [EncodedId!]!
  }
  input AppointmentEditScheduleInput {
    startAt: ISO8601DateTime!
    endAt: ISO8601DateTime!
  }
  type AppointmentEditPayload {
    appointment: Visit
    userErrors: [MutationErrors!]!
  }

  input InvoiceCreateAttributes {
    jobId: EncodedId!
    subject: String
    lineItems: [LineItemAttributes!]
    dueInDays: Int
  }
  type InvoiceCreatePayload {
    invoice: Invoice
    userErrors: [MutationErrors!]!
  }

  input PaymentRecordCreateAttributes {
    invoiceId: EncodedId!
    amount: Float!
    paymentType: PaymentTypeEnum!
    entryDate: ISO8601DateTime
    tipAmount: Float
    details: String
  }
  type PaymentRecordCreatePayload {
    paymentRecord: PaymentRecord
    userErrors: [MutationErrors!]!
  }

  type Mutation {
    clientCreate(input: ClientCreateInput!): ClientCreatePayload!
    clientEdit(clientId: EncodedId!, input: ClientEditInput!): ClientEditPayload!
    propertyCreate(clientId: EncodedId!, input: PropertyCreateInput!): PropertyCreatePayload!
    quoteCreate(attributes: QuoteCreateAttributes!): QuoteCreatePayload!
    jobCreate(input: JobCreateAttributes!): JobCreatePayload!
    jobClose(jobId: EncodedId!, input: JobCloseInput): JobClosePayload!
    appointmentEditAssignment(
      appointmentId: EncodedId!
      input: AppointmentEditAssignmentInput!
    ): AppointmentEditPayload!
    appointmentEditSchedule(
      appointmentId: EncodedId!
      input: AppointmentEditScheduleInput!
    ): AppointmentEditPayload!
    invoiceCreate(attributes: InvoiceCreateAttributes!): InvoiceCreatePayload!
    paymentRecordCreate(attributes: PaymentRecordCreateAttributes!): PaymentRecordCreatePayload!
  }
`;

export function buildJobberSchema(): GraphQLSchema {
  return buildSchema(JOBBER_SDL);
}
