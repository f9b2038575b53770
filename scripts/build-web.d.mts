export declare const APPS: { name: string; base: string }[];
/** Builds dist/web unless it is up to date with web/ and packages/client/src. */
export declare function buildWeb(options?: { force?: boolean; quiet?: boolean }): Promise<void>;
