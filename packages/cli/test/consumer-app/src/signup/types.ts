/** Where accounts live: a table in the app's database; the tests pass a fake. */
export interface Accounts {
  create(email: string, plan: string): Promise<string>;
  deleteUnverified(): Promise<number>;
}

/** What the activities get from outside. */
export interface Backends {
  readonly accounts: Accounts;
}

export type SignupResult =
  | { readonly status: "active"; readonly email: string; readonly accountId: string }
  | { readonly status: "expired"; readonly email: string };

export interface NewAccount {
  readonly email: string;
  readonly plan: string;
}
