/**
 * Entry point that @vscode/test-electron loads in the extension host: runs every test of the
 * suite in order and rejects when one fails (which makes runTests fail).
 */
import { volumeEditorTests } from './volumeEditor';

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const { name, fn } of volumeEditorTests) {
    try {
      await fn();
      console.log(`  ok  ${name}`);
    } catch (error) {
      failures.push(name);
      console.error(`  FAIL ${name}\n${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  if (failures.length > 0)
    throw new Error(`${failures.length} test(s) failed: ${failures.join('; ')}`);
}
