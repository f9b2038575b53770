export declare const MEMBER_JS_BUDGET: number;
export interface AssetSize {
  name: string;
  raw: number;
  gzip: number;
  firstLoad: boolean;
}
export declare function webSizes(): Promise<Record<string, { files: AssetSize[]; firstLoadJs: number; firstLoadCss: number; allGzip: number }>>;
