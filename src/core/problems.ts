import { AnnotationMetadataEntryType, Token } from 'cdktf';
import { IConstruct } from 'constructs';

/**
 * Collects the problems of one construct so that all of them are reported together at synth,
 * each as its own message. cdktf prefixes every message with the construct path.
 *
 * Messages follow one shape: what is wrong, the offending value, and the fix.
 * @internal
 */
export class Problems {
  private readonly messages: string[] = [];

  public add(message: string): void {
    this.messages.push(message);
  }

  /** Adds a problem unless `ok` holds. */
  public check(ok: boolean, message: string): void {
    if (!ok) this.add(message);
  }

  /** Length rule for a string column or name; skipped for unresolved tokens. */
  public length(what: string, value: string | undefined, min: number, max: number): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (value.length < min || value.length > max) {
      const range = min === max ? `${min}` : min <= 0 ? `at most ${max}` : `${min} to ${max}`;
      this.add(`${what} ${quote(value)} is ${value.length} characters long; it must be ${range} characters. Fix: shorten or change it.`);
    }
  }

  public get list(): string[] {
    return [...this.messages];
  }
}

/**
 * Registers a validation that runs at synth (`app.synth()`, `Testing.synth(stack, true)`):
 * cdktf gathers the messages of every construct and fails before anything is written.
 * @internal
 */
export function addValidator(scope: IConstruct, check: (problems: Problems) => void): void {
  scope.node.addValidation({
    validate: () => {
      const problems = new Problems();
      check(problems);
      return problems.list;
    },
  });
}

/** @internal */
export function isUnresolved(value: unknown): boolean {
  return value !== undefined && Token.isUnresolved(value);
}

/** Quotes a value for an error message, shortening very long ones. @internal */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return typeof value === 'string' ? `'${short}'` : short;
}

/**
 * Adds an info or warning Annotation without a stack trace. cdktf's `Annotations` capture one per
 * message, which costs about 0.3 ms each and writes machine-specific paths into the synth output;
 * the construct path already says where the message comes from.
 * @internal
 */
export function annotate(scope: IConstruct, level: 'info' | 'warning', message: string): void {
  const type = level === 'info' ? AnnotationMetadataEntryType.INFO : AnnotationMetadataEntryType.WARN;
  scope.node.addMetadata(type, message, { stackTrace: false });
}
