/** The linear model family: OLS, ridge, lasso and elastic net, all on one-hot inputs. */
import type { ModelFamily } from '../families.js';
import { elasticnet, lasso } from './elasticnet.js';
import { ols } from './ols.js';
import { ridge } from './ridge.js';

export { FittedLinear } from './fitted-linear.js';
export { elasticnet, lasso, ols, ridge };

export const linearFamilies: readonly ModelFamily[] = [ols, ridge, lasso, elasticnet];
