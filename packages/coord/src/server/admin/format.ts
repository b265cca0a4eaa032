/** Long.toHexString: a 64-bit value as unsigned hex, no padding. */
export function javaHex(value: bigint | number): string {
  return BigInt.asUintN(64, BigInt(value)).toString(16);
}

/**
 * Double.toString for the values ZooKeeper prints: "0.0", "2.1429", "1.0E-4"; integers keep a
 * ".0". NaN and infinities as Java spells them.
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e7)) {
    const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** ServerStats.getAvgLatency: the mean rounded to 4 decimals (BigDecimal HALF_UP), printed as a double. */
export function avgLatency(avg: number): string {
  return javaDouble(Math.round(avg * 10_000) / 10_000);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString in UTC: `Fri Nov 27 00:36:43 UTC 2026`. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()] ?? ''} ${MONTHS[d.getUTCMonth()] ?? ''} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}
