import type { AnyEvents, EventMap } from "./typing.js";

/**
 * A channel name that carries its channel's types, as the generator (`SignalRChannels.TypeScript`) emits them from the
 * app's C# `[Channel]` records: `client.private(channels.orderChannel(42)).listen("OrderShipped", (e) => e.orderId)` is
 * typed end to end. At run time it is the plain full channel name.
 */
export type TypedChannelName<
  TKind extends "public" | "private" | "presence",
  TEvents extends EventMap = AnyEvents,
  TInfo = unknown,
  TWhispers extends EventMap = AnyEvents,
> = string & { readonly __channelTypes?: { kind: TKind; events: TEvents; info: TInfo; whispers: TWhispers } };

/** The shape of a payload, as the generator describes it for validation. */
export type PayloadSchema =
  | "string"
  | "number"
  | "boolean"
  | "unknown"
  | { readonly nullable: PayloadSchema }
  | { readonly array: PayloadSchema }
  | { readonly record: PayloadSchema }
  | { readonly object: Readonly<Record<string, PayloadSchema>> }
  | { readonly oneOf: readonly (string | number)[] }
  | { readonly ref: string };

/** The generated `contracts`: each typed channel's template, events and whispers, and the named types they use. */
export interface ChannelContracts {
  readonly channels: readonly {
    readonly template: string;
    readonly events: Readonly<Record<string, PayloadSchema>>;
    readonly whispers: Readonly<Record<string, PayloadSchema>>;
  }[];
  readonly types: Readonly<Record<string, PayloadSchema>>;
}

/** An incoming event that did not match its typed channel's declaration; it was not delivered. */
export interface PayloadProblem {
  readonly channel: string;
  readonly event: string;
  /** Where and what, for example `$.items[2].price: expected number, got string`. */
  readonly problem: string;
}

interface CompiledChannel {
  readonly pattern: RegExp;
  readonly events: Readonly<Record<string, PayloadSchema>>;
  readonly whispers: Readonly<Record<string, PayloadSchema>>;
}

/**
 * Checks incoming payloads against generated contracts (the client's opt-in `validatePayloads`). Events of channels no
 * contract covers, and reserved `member:`/`channel:` events, pass unchecked.
 */
export class PayloadValidator {
  private readonly channels: readonly CompiledChannel[];

  constructor(private readonly contracts: ChannelContracts) {
    this.channels = contracts.channels.map((c) => ({ pattern: templatePattern(c.template), events: c.events, whispers: c.whispers }));
  }

  /** Undefined when the event is fine; else what is wrong with it. */
  check(channel: string, event: string, data: unknown): string | undefined {
    if (event.startsWith("member:") || event.startsWith("channel:")) {
      return undefined;
    }
    const contract = this.channels.find((c) => c.pattern.test(channel));
    if (contract === undefined) {
      return undefined;
    }
    const whisper = event.startsWith("client-");
    const declared = whisper ? contract.whispers : contract.events;
    const name = whisper ? event.slice("client-".length) : event;
    if (whisper && Object.keys(declared).length === 0) {
      return undefined;
    }
    if (!Object.prototype.hasOwnProperty.call(declared, name)) {
      return `the ${whisper ? "whisper" : "event"} '${name}' is not declared for this channel`;
    }
    return this.problem(declared[name]!, data, "$", 0);
  }

  private problem(schema: PayloadSchema, value: unknown, path: string, depth: number): string | undefined {
    if (depth > 64) {
      return `${path}: nested too deeply`;
    }
    if (typeof schema === "string") {
      if (schema === "unknown" || typeof value === schema) {
        return undefined;
      }
      return `${path}: expected ${schema}, got ${describe(value)}`;
    }
    if ("nullable" in schema) {
      return value === null ? undefined : this.problem(schema.nullable, value, path, depth + 1);
    }
    if ("ref" in schema) {
      const named = this.contracts.types[schema.ref];
      return named === undefined ? undefined : this.problem(named, value, path, depth + 1);
    }
    if ("oneOf" in schema) {
      return schema.oneOf.includes(value as string | number) ? undefined : `${path}: expected one of ${schema.oneOf.join(", ")}, got ${describe(value)}`;
    }
    if ("array" in schema) {
      if (!Array.isArray(value)) {
        return `${path}: expected an array, got ${describe(value)}`;
      }
      for (let i = 0; i < value.length; i++) {
        const found = this.problem(schema.array, value[i], `${path}[${i}]`, depth + 1);
        if (found !== undefined) {
          return found;
        }
      }
      return undefined;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return `${path}: expected an object, got ${describe(value)}`;
    }
    const entries = value as Record<string, unknown>;
    if ("record" in schema) {
      for (const [key, item] of Object.entries(entries)) {
        const found = this.problem(schema.record, item, `${path}.${key}`, depth + 1);
        if (found !== undefined) {
          return found;
        }
      }
      return undefined;
    }
    for (const [key, property] of Object.entries(schema.object)) {
      if (!(key in entries)) {
        return `${path}.${key}: missing`;
      }
      const found = this.problem(property, entries[key], `${path}.${key}`, depth + 1);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }
}

/** `presence-chat.{room}` → a pattern where each placeholder is one dot-free segment. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]*\}/)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^.]+");
  return new RegExp(`^${source}$`);
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
