import { z } from '@hono/zod-openapi';
import { VARIABLE_NAME } from '../../services/templates/variables.js';

/** Schemas shared by bulk jobs, campaigns and scheduled messages. */

const MAX_VARS = 50;

/** A recipient's own {variables}: names of letters, digits and `_`; numbers and booleans are taken as text. */
export const VarsSchema = z
  .record(z.string().regex(VARIABLE_NAME, 'a variable name is letters, digits and "_", not starting with a digit'), z.union([z.string().max(4096), z.number(), z.boolean()]))
  .refine((v) => Object.keys(v).length <= MAX_VARS, `at most ${MAX_VARS} variables`)
  .openapi({ example: { order: 'A-1042', tracking: 'TR123' }, description: 'Fills {order}, {tracking}, ... in the text for this recipient ({name} and {phone} are always there)' });

/** The variables as the API shows them (null: none). */
export const VarsView = z.record(z.string(), z.string()).nullable();

export const TemplateIdField = z
  .number()
  .int()
  .positive()
  .optional()
  .openapi({ example: 3, description: 'Instead of body: the body of this template (shared, or of this instance)' });
