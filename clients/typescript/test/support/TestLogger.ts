import { LogLevel, type ILogger } from "@microsoft/signalr";

/** Collects what the client logs instead of printing it. */
export class TestLogger implements ILogger {
  readonly entries: { level: LogLevel; message: string }[] = [];

  log(level: LogLevel, message: string): void {
    this.entries.push({ level, message });
  }

  get errors(): string[] {
    return this.entries.filter((e) => e.level >= LogLevel.Error).map((e) => e.message);
  }

  get warnings(): string[] {
    return this.entries.filter((e) => e.level === LogLevel.Warning).map((e) => e.message);
  }
}
