import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDuplicateMemory } from './duplicate-memory';

// The events of Divolte's ShortTermDuplicateMemoryTest (at 5895532) (memory size 2): events 0 and 1 land in
// different slots, event 2 lands in event 1's slot. They share session and event ids.
const SESSION = '0:i0rjfnxc:FPpXFMdcEORvvaP_HbpDgABG3Iu5__4d';
const EVENT = '0:OxVC1WJ4PZNEGIUuzdXPsy_bztnKMuoH0';
const PARTIES = [
  '0:i0rjfnxc:JLOvH9Nda2c1uV8M~vmdhPGFEC3WxVNq',
  '0:i0rjfnxc:JLfhe7Nda2c1uV8M~vmdjPGFEC3WxVNq',
  '0:i0rjfnxc:FDfhe7Nda2c1uV8M~vmdiPGFEC3WxVNq',
];

describe('createDuplicateMemory', () => {
  it('flags a repeat (Divolte shouldFlagDuplicateRequests, size 2)', () => {
    const memory = createDuplicateMemory(2);
    const seen = (i: number): boolean => memory.observe(PARTIES[i]!, SESSION, EVENT);
    expect([seen(0), seen(1), seen(0)]).toEqual([false, false, true]);
  });

  it('forgets an event whose slot was overwritten (Divolte shouldForgetAboutRequestHashesAfterSomeTime)', () => {
    const memory = createDuplicateMemory(2);
    const seen = (i: number): boolean => memory.observe(PARTIES[i]!, SESSION, EVENT);
    expect([seen(1), seen(0), seen(1), seen(2), seen(1)]).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
  });

  it('always recognises an immediate repeat and never a first sighting in an empty memory', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string({ unit: 'binary' }),
        (party, session, event) => {
          // The empty input hashes to zero, the value of a fresh slot: Divolte flags it too.
          fc.pre(party + session + event !== '');
          const memory = createDuplicateMemory(1000);
          expect(memory.observe(party, session, event)).toBe(false);
          expect(memory.observe(party, session, event)).toBe(true);
        },
      ),
    );
  });
});
