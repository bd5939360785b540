import { z } from 'zod';
import { idParam } from '../http/schemas';

export const customerPath = z.object({ custId: idParam });
