/** Compiles src → dist with tsconfig.build.json unless dist is up to date with the sources. */
export declare function buildServer(options?: { root?: string; force?: boolean; quiet?: boolean }): 'built' | 'up to date';
