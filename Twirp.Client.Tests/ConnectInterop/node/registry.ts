// The message types an Any in the interop messages may hold, for the JSON codec on both sides.
import { createRegistry } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { FailureDetailSchema } from "./gen/connect_interop_pb";

export const registry = createRegistry(FailureDetailSchema, DurationSchema);
