export interface DefinitionParams {
  /** The component the error-rate and latency queries filter on (vrouter.component). */
  readonly component: string;
  /** The Honeycomb dataset: the router's service.name. */
  readonly dataset: string;
}
export declare const QUERIES_DIR: URL;
export declare const BOARD_FILE: URL;
export declare function render<T>(value: T, params: DefinitionParams): T;
export declare function loadQueries(params: DefinitionParams): Promise<Map<string, unknown>>;
export declare function loadBoard(params: DefinitionParams): Promise<unknown>;
