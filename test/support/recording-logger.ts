import type { Logger } from '../../src/logger.js';

/** A logger that keeps every line (at every level) as the JSON the real one would write. */
export class RecordingLogger implements Logger {
  constructor(
    readonly lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [],
    private readonly base: Record<string, unknown> = {},
  ) {}

  debug(msg: string, fields?: Record<string, unknown>) {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>) {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>) {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>) {
    this.write('error', msg, fields);
  }
  child(fields: Record<string, unknown>): Logger {
    return new RecordingLogger(this.lines, { ...this.base, ...fields });
  }

  /** Everything logged, one JSON object per line, as the real logger writes it. */
  text(): string {
    return this.lines.map((l) => JSON.stringify({ level: l.level, msg: l.msg, ...l.fields })).join('\n');
  }

  private write(level: string, msg: string, fields?: Record<string, unknown>) {
    this.lines.push({ level, msg, fields: { ...this.base, ...fields } });
  }
}
