import type { ClickEvent } from '@tributary/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPartyQueue } from './party-queue';

const event = (partyId: string, eventId: string): ClickEvent =>
  ({ partyId, eventId }) as unknown as ClickEvent;

describe('createPartyQueue', () => {
  it('keeps each party in order with async consumers of random latency, parties interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.nat(3)), { maxLength: 40 }),
        async (pushes) => {
          const seen: string[] = [];
          let failures = 0;
          const queue = createPartyQueue(
            async (item) => {
              await new Promise((resolve) =>
                setTimeout(resolve, Number(item.eventId.split('-')[1])),
              );
              seen.push(item.eventId);
              if (item.eventId.endsWith('-3')) throw new Error('consumer failed');
            },
            {
              settled: (_event, _seconds, _error, failed) => {
                if (failed) failures++;
              },
            },
          );
          pushes.forEach(([party, delay], i) => {
            queue.push(event(party, `${party}${i}-${delay}`));
          });
          expect(queue.depth).toBe(pushes.length);
          await queue.idle();
          expect(queue.depth).toBe(0);
          expect(seen).toHaveLength(pushes.length);
          for (const party of ['a', 'b', 'c']) {
            const sent = pushes.flatMap(([p, delay], i) =>
              p === party ? [`${p}${i}-${delay}`] : [],
            );
            expect(seen.filter((id) => id.startsWith(party))).toEqual(sent);
          }
          expect(failures).toBe(pushes.filter(([, delay]) => delay === 3).length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('calls the consumer after the pushing code finished, and runs sync consumers back to back', async () => {
    const calls: string[] = [];
    const queue = createPartyQueue(
      (item) => {
        calls.push(item.eventId);
        if (item.eventId === '2') throw new Error('sync failure');
      },
      { settled: () => undefined },
    );
    queue.push(event('p', '1'));
    queue.push(event('p', '2'));
    queue.push(event('q', '3'));
    calls.push('response written');
    await queue.idle();
    expect(calls).toEqual(['response written', '1', '2', '3']);
  });
});
