/** Minimal GraphQL-over-HTTP client for tests: real fetch against the running app. */
export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: TData | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [key: string]: unknown } }[];
  };
}

export async function graphqlRequest<TData = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  options: { key?: string | null; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<TData>> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<TData>["body"] };
}

/** Like graphqlRequest, but fails on HTTP or GraphQL errors and returns `data`. */
export async function graphqlData<TData = Record<string, unknown>>(
  baseUrl: string,
  key: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<TData> {
  const result = await graphqlRequest<TData>(baseUrl, query, { key, variables });
  if (result.status !== 200 || result.body.errors?.length || !result.body.data) {
    throw new Error(`GraphQL request failed (${result.status}): ${JSON.stringify(result.body)}`);
  }
  return result.body.data;
}
