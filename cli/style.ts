/** Colours only when writing to a terminal (and NO_COLOR is unset). */
import type { TextStyle } from "../simulator/scenarios/report";

export function styleFor(stream: NodeJS.WriteStream): TextStyle {
  const on = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { pass: paint(32), fail: paint(31), dim: paint(2) };
}
