import { Param, type PipeTransform } from '@nestjs/common';
import { StepKeySchema } from '@orchestrator/contracts';
import { AppError, type ErrorCode } from './app-error.js';
import { isUuid } from './cursor.js';

/**
 * A path value that cannot name anything (an id that is not a UUID, a step key no plan can have)
 * is a 404 naming the parameter, answered before it reaches SQL: the URL names nothing, as with an
 * id that is well-formed but unknown (docs/api.md "What is validated where").
 */
class PathShapePipe implements PipeTransform<string, string> {
  constructor(
    private readonly name: string,
    private readonly fits: (value: string) => boolean,
    private readonly shape: string,
    private readonly notFound: ErrorCode,
  ) {}

  transform(value: string): string {
    if (this.fits(value)) return value;
    const noun = this.notFound.split('/')[0]!.replace('_', ' ');
    throw new AppError(this.notFound, `There is no ${noun} with this ${this.name}: it ${this.shape}.`, [
      { path: this.name, message: this.shape },
    ]);
  }
}

/** `@UuidParam('id', 'project/not_found') id: string` — the id of a row, 404 with that code unless a UUID. */
export const UuidParam = (name: string, notFound: ErrorCode): ParameterDecorator =>
  Param(name, new PathShapePipe(name, isUuid, 'must be a UUID', notFound));

/** `@StepKeyParam() stepKey: string` — `step` or `subproject/step`, decoded once by the router. */
export const StepKeyParam = (): ParameterDecorator =>
  Param(
    'stepKey',
    new PathShapePipe('stepKey', (v) => StepKeySchema.safeParse(v).success, 'must be a step key', 'project/not_found'),
  );
