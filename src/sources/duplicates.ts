// The error for an object that repeats another (same UID, or same kind, namespace and name).
import { DuplicateObjectError } from '../core/errors.ts';

/**
 * `pods/shop/b: metadata.uid: duplicate of pods/shop/a; skipped (got "uid-a")`: names the skipped
 * object, the field that collides and its value, and the object that came first.
 */
export class DuplicateKubeObjectError extends DuplicateObjectError {
  /** The object that was kept, e.g. `pods/shop/a`. */
  readonly firstObject: string;
  constructor(object: string, field: string, value: string, firstObject: string, detail = '') {
    super(object, field, value);
    // Counted as `error_type="duplicate_object"`, like its base class.
    this.name = 'DuplicateObjectError';
    this.firstObject = firstObject;
    this.message = `${object}: ${field}: duplicate of ${firstObject}${detail === '' ? '' : ` (${detail})`}; skipped (got ${JSON.stringify(value)})`;
  }
}
