import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'snapshot-panel:public';
/** Marks a route reachable without signing in. Only login, setup, health and static assets use it. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
