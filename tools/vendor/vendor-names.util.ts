/** The names a vendor id gives the files and identifiers the generator writes. */
export interface VendorNames {
  /** The canonical id: `workiz`; file names (`workiz.connector.ts`) and camelCase names (`workizConnector`). */
  readonly vendor: string;
  /** PascalCase: `create<Vendor>Portal`, `<Vendor>AuthFlow`. */
  readonly Vendor: string;
  /** UPPER_CASE: `<VENDOR>_SESSION_POLICY`. */
  readonly VENDOR: string;
  /** What people call it: the descriptor's displayName and the portal's name. */
  readonly displayName: string;
  /** Its published API description under shared/reference/openapi/, or null when it publishes none. */
  readonly publishedApi: string | null;
}

/**
 * How the vendors still to come are spelt (README, shared/reference/openapi/README.md). A vendor added to
 * the canonical model later without a line here gets its id capitalised and no published API.
 */
const KNOWN: Readonly<Record<string, Omit<VendorNames, 'vendor' | 'VENDOR'>>> = {
  workiz: { Vendor: 'Workiz', displayName: 'Workiz', publishedApi: 'workiz/workiz-openapi.yml' },
  housecallpro: {
    Vendor: 'HousecallPro',
    displayName: 'Housecall Pro',
    publishedApi: 'housecall-pro/housecall-v1.yaml',
  },
  tom: { Vendor: 'Tom', displayName: 'Total Office Manager', publishedApi: null },
};

/** A vendor id the generator can name files and identifiers after: lower-case letters and digits. */
export const VENDOR_ID_PATTERN = /^[a-z][a-z0-9]*$/;

export function vendorNames(vendor: string): VendorNames {
  const known = KNOWN[vendor];
  const capitalised = vendor.charAt(0).toUpperCase() + vendor.slice(1);
  return {
    vendor,
    Vendor: known?.Vendor ?? capitalised,
    VENDOR: vendor.toUpperCase(),
    displayName: known?.displayName ?? capitalised,
    publishedApi: known === undefined ? null : known.publishedApi,
  };
}

/** The values of the templates' `{{placeholders}}`. */
export function templateValues(names: VendorNames): Readonly<Record<string, string>> {
  return {
    vendor: names.vendor,
    Vendor: names.Vendor,
    VENDOR: names.VENDOR,
    displayName: names.displayName,
    publishedApi: names.publishedApi === null ? 'null' : `'${names.publishedApi}'`,
    apiReference:
      names.publishedApi === null
        ? `the pages of its web app (${names.displayName} publishes no API description)`
        : `shared/reference/openapi/${names.publishedApi}`,
  };
}
