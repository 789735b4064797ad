/**
 * Error notifications that offer "Show Log" (issue 16): the message is written to the SAM-OCTA2
 * log too, where the details around it are, and the button opens that log. The log is the
 * extension's one output channel, handed over once by activate.
 */
import * as vscode from 'vscode';

let log: vscode.LogOutputChannel | undefined;

/** Makes `channel` the log the notifications point at, until the returned disposable runs. */
export function useNotificationLog(channel: vscode.LogOutputChannel): vscode.Disposable {
  log = channel;
  return new vscode.Disposable(() => {
    if (log === channel) log = undefined;
  });
}

/** Shows `message` as an error with `actions` and "Show Log"; returns the action chosen. */
export async function showErrorWithLog(
  message: string,
  ...actions: string[]
): Promise<string | undefined> {
  const channel = log;
  channel?.error(message);
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(
    message,
    ...actions,
    ...(channel ? [showLog] : []),
  );
  if (choice !== showLog) return choice;
  channel?.show(true);
  return undefined;
}
