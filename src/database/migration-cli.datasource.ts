// Entry for the TypeORM CLI (npm run migration:run and friends): the same options as the app.
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source';

export default new DataSource(buildDataSourceOptions(loadConfig().databasePath));
