/**
 * The last step: what will run, and whether to start it, save it to tasks.json, or both.
 * Saving needs a workspace folder; without one only Start is offered.
 */
import { askPick, type PickItem } from './quickInput';
import { describeChoices } from './setupChoices';
import type { Draft, SetupEnv } from './setupStep';
import type { StepFrame, StepOutcome } from './quickInput';

export type FinishAction = 'start' | 'saveAndStart' | 'save';

export async function askFinish(
  draft: Draft,
  frame: StepFrame,
  env: SetupEnv,
): Promise<StepOutcome<FinishAction>> {
  const canSave = env.paths.folder !== undefined;
  const items: PickItem<FinishAction>[] = [
    {
      label: '$(play) Start',
      detail: 'Check the setup (preflight), then train now',
      value: 'start',
    },
    ...(canSave
      ? [
          {
            label: '$(save) Save to tasks.json and Start',
            detail:
              'Keep the run in .vscode/tasks.json to run it again with "Run Task", and train now',
            value: 'saveAndStart' as const,
          },
          {
            label: '$(save) Save to tasks.json',
            detail: 'Only add the run to .vscode/tasks.json',
            value: 'save' as const,
          },
        ]
      : []),
  ];
  return askPick({
    ...frame,
    placeholder: canSave
      ? describeChoices(draft)
      : `${describeChoices(draft)} (no workspace folder: tasks.json cannot be saved)`,
    items,
  });
}
