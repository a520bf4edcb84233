/** acsrec's commands: main.ts runs them, and the bundle's entry keeps a code cache for each. */
export const COMMAND_NAMES = ['process', 'verify', 'emulate', 'worker', 'report'] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];
