// GraphQL Code Generator: types every operation in src/graphql/*.graphql
// against the service's schema, and writes them to src/gql/ (committed, so
// a build needs no generation step and CI can check it is up to date).
import type { CodegenConfig } from '@graphql-codegen/cli';

const scalars = { Time: 'string', ID: 'string' };

const config: CodegenConfig = {
  schema: '../../schema.graphqls',
  documents: ['src/graphql/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars,
        enumsAsTypes: true,
        // Documents as plain strings: the fetch wrapper posts them as they
        // are, so no GraphQL printer ships in the bundle.
        documentMode: 'string',
        useTypeImports: true,
        skipTypename: true,
      },
    },
    // Every enum of the schema, including ErrorCode, which no operation
    // selects: the error sentences are checked to cover each code.
    './src/gql/enums.ts': {
      plugins: ['typescript'],
      config: { onlyEnums: true, enumsAsTypes: true },
    },
  },
};

export default config;
