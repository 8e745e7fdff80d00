declare module "vitest" {
  export interface ProvidedContext {
    mysqlUrl: string;
  }
}

export {};
