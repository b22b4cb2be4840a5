// eslint for the extension's TypeScript: the recommended rules of eslint and typescript-eslint.
// Run by scripts/test.sh (`npm run lint`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "bundled/**", "node_modules/**", "e2e/**", "test/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
);
