/**
 * What an admin types as an amount of credits, to thousandths: "5", "2.5",
 * "0.125" (a comma is a decimal point too). At most three decimals, more than
 * zero and at most a million credits; anything else is null, so the form
 * says what is wrong and sends nothing.
 */
export function parseCreditsInput(text: string): number | null {
  const match = /^(\d{1,7})(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const thousandths = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return thousandths >= 1 && thousandths <= 1_000_000_000 ? thousandths : null;
}
