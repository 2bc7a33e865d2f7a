import "reflect-metadata";
import { Directive, Field, Int, ObjectType, type ClassType } from "type-graphql";

/** Relay page info (SPEC §8). Shareable: other subgraphs commonly define the same type. */
@ObjectType("PageInfo")
@Directive("@shareable")
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

export interface Connection<TNode> {
  edges: Edge<TNode>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Builds `<Name>Edge` and `<Name>Connection` object types for a node type:
 * `{ edges { cursor node } pageInfo { hasNextPage endCursor } totalCount }`.
 */
export function connectionType<TNode extends object>(name: string, nodeType: ClassType<TNode>): ClassType<Connection<TNode>> {
  @ObjectType(`${name}Edge`)
  class EdgeType implements Edge<TNode> {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType implements Connection<TNode> {
    @Field(() => [EdgeType])
    edges!: Edge<TNode>[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }

  return ConnectionType;
}
