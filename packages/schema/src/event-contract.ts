import type { z } from 'zod';
import type { ClickEvent } from './click-event';
import { fromZodIssues } from './internal/zod-issues';
import { PAGE_VIEW_EVENT_TYPE } from './protocol/constants';
import type { JsonValue } from './protocol/json';
import { failure, type Result } from './protocol/result';

/** Custom events as declared: event type → zod schema of its parameters. */
export type EventSchemas = Readonly<Record<string, z.ZodType>>;

/** Custom events at the type level: event type → the parameters a tracker sends. */
export type EventMap = Record<string, unknown>;

/** The event map of a tracker without a contract: any type, any JSON parameters or none. */
export type UntypedEvents = Record<string, JsonValue | undefined>;

/**
 * The parameter list of `signal(eventType, …)` for one event type: optional when the event's
 * parameters accept `undefined`, required otherwise.
 */
export type SignalArgs<
  TEvents extends EventMap,
  TType extends keyof TEvents,
> = undefined extends TEvents[TType] ? [parameters?: TEvents[TType]] : [parameters: TEvents[TType]];

/** An event a contract knows, after validation: the type and its parsed parameters. */
export type ContractEvent<TSchemas extends EventSchemas> =
  | {
      [TType in keyof TSchemas & string]: {
        readonly known: true;
        readonly eventType: TType;
        readonly parameters: z.output<TSchemas[TType]>;
      };
    }[keyof TSchemas & string]
  | (typeof PAGE_VIEW_EVENT_TYPE extends keyof TSchemas
      ? never
      : {
          readonly known: true;
          readonly eventType: typeof PAGE_VIEW_EVENT_TYPE;
          readonly parameters: JsonValue | undefined;
        });

/** An event whose type the contract does not declare, passed through with `unknownEvents: 'accept'`. */
export interface UnknownContractEvent {
  readonly known: false;
  readonly eventType: string | undefined;
  readonly parameters: JsonValue | undefined;
}

/** A {@link ClickEvent} whose type and parameters a contract has validated. */
export type ContractClickEvent<TSchemas extends EventSchemas> = Omit<
  ClickEvent,
  'eventType' | 'parameters'
> &
  ContractEvent<TSchemas>;

/** Options of {@link defineEvents}. */
export interface DefineEventsOptions {
  /**
   * What `validate` does with an event type the contract does not declare: `reject` it with an
   * `unknown_event_type` issue, or `accept` it untyped. `pageView` is always known.
   * @default 'reject'
   */
  unknownEvents?: 'reject' | 'accept';
}

/** Custom events declared once: typing for trackers and validation for collectors and mappings. */
export interface EventContract<TSchemas extends EventSchemas> {
  /** The declared zod schemas. */
  readonly schemas: TSchemas;
  /** The declared event types. */
  readonly eventTypes: readonly (keyof TSchemas & string)[];
  /** Whether the contract declares `eventType` (or it is the built-in `pageView`). */
  has(eventType: string | undefined): boolean;
  /**
   * Validates an event's type and parameters. Issues name the parameter path, prefixed with
   * `parameters`. Never throws.
   */
  validate(event: {
    readonly eventType?: string | undefined;
    readonly parameters?: unknown;
  }): Result<ContractEvent<TSchemas> | UnknownContractEvent>;
}

/** The tracker-side event map of a contract: event type → the parameters `signal` takes. */
export type InferEvents<TContract> =
  TContract extends EventContract<infer TSchemas>
    ? { -readonly [TType in keyof TSchemas]: z.input<TSchemas[TType]> }
    : never;

/**
 * Declares custom events once. The result types a tracker (`createTracker<InferEvents<typeof
 * events>>`) and validates events on the server.
 * @example
 * const events = defineEvents({
 *   addToCart: z.object({ sku: z.string(), quantity: z.number().int().positive() }),
 *   search: z.object({ query: z.string() }),
 *   logout: z.undefined(),
 * });
 * events.validate({ eventType: 'addToCart', parameters: { sku: 'A1', quantity: 2 } }); // ok
 */
export function defineEvents<const TSchemas extends EventSchemas>(
  schemas: TSchemas,
  options: DefineEventsOptions = {},
): EventContract<TSchemas> {
  const acceptUnknown = options.unknownEvents === 'accept';
  const declared = new Map<string, z.ZodType>(Object.entries(schemas));
  const has = (eventType: string | undefined): boolean =>
    eventType !== undefined && (declared.has(eventType) || eventType === PAGE_VIEW_EVENT_TYPE);
  return {
    schemas,
    eventTypes: [...declared.keys()] as (keyof TSchemas & string)[],
    has,
    validate(event) {
      const { eventType, parameters } = event;
      const schema = eventType === undefined ? undefined : declared.get(eventType);
      if (schema === undefined) {
        if (eventType === PAGE_VIEW_EVENT_TYPE) {
          return {
            ok: true,
            value: { known: true, eventType, parameters: parameters as JsonValue | undefined },
          } as Result<ContractEvent<TSchemas>>;
        }
        if (acceptUnknown) {
          return {
            ok: true,
            value: { known: false, eventType, parameters: parameters as JsonValue | undefined },
          };
        }
        return failure(
          'unknown_event_type',
          eventType === undefined
            ? 'The event has no type.'
            : `The event type ${JSON.stringify(eventType)} is not declared in the contract.`,
          ['eventType'],
        );
      }
      const parsed = schema.safeParse(parameters);
      if (!parsed.success)
        return { ok: false, issues: fromZodIssues(parsed.error.issues, ['parameters']) };
      return {
        ok: true,
        value: { known: true, eventType, parameters: parsed.data },
      } as Result<ContractEvent<TSchemas>>;
    },
  };
}
