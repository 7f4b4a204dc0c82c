import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/renderer/src/api/api-error';
import { describeError, issueMessage } from '../../../src/renderer/src/lib/describe-error';

const refused = new ApiError({
  code: 'invalid_input',
  message: 'Invalid input',
  issues: [
    { path: 'path', message: 'Folder does not exist' },
    { path: 'name', message: 'Too long' },
  ],
});

describe('describeError (the one error describer in the renderer)', () => {
  it('tells an Error by its message, whatever its class', () => {
    expect(describeError(new Error('disk full'))).toBe('disk full');
    expect(describeError(new ApiError({ code: 'not_found', message: 'No such crate' }))).toBe(
      'No such crate',
    );
  });

  it('tells a thrown non-Error as a string, so a rejected promise with a bare value still says something', () => {
    expect(describeError('offline')).toBe('offline');
    expect(describeError(42)).toBe('42');
    expect(describeError(undefined)).toBe('undefined');
  });

  it('without an issue describer, a refused call shows its message (the views that never showed fields keep their text)', () => {
    expect(describeError(refused)).toBe('Invalid input');
  });

  it("with an issue describer, a refused call names each bad field, in order, joined by '; '", () => {
    expect(describeError(refused, issueMessage)).toBe('Folder does not exist; Too long');
    expect(describeError(refused, (i) => `${i.path}: ${i.message}`)).toBe(
      'path: Folder does not exist; name: Too long',
    );
  });

  it('with an issue describer but no issues, falls back to the message', () => {
    const plain = new ApiError({ code: 'internal', message: 'Something broke', issues: [] });
    expect(describeError(plain, issueMessage)).toBe('Something broke');
    expect(describeError(new Error('x'), issueMessage)).toBe('x');
  });
});
