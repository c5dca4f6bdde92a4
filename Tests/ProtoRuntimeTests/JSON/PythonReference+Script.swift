extension PythonReference {
    // The reference side, run with `python3 -c`. `sample` fills every field of any message type
    // (well-known types with valid values), so the platform's messages need no hand-written data.
    static let script = #"""
import base64, json, math, struct, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import FieldDescriptor as F

job = json.load(sys.stdin)
files = descriptor_pb2.FileDescriptorSet()
with open(job["descriptorSet"], "rb") as handle:
    files.ParseFromString(handle.read())
pool = descriptor_pool.DescriptorPool()
for file in files.file:
    pool.Add(file)

def message_class(name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))

def load(name, data):
    message = message_class(name)()
    message.ParseFromString(base64.b64decode(data))
    return message

def encode(message):
    return base64.b64encode(message.SerializeToString(deterministic=True)).decode()

SCALARS = {
    F.TYPE_INT32: [-123, 2**31 - 1, -2**31], F.TYPE_SINT32: [-77, 5], F.TYPE_SFIXED32: [-2**31, 9],
    F.TYPE_INT64: [-2**63, 2**62 + 1], F.TYPE_SINT64: [2**63 - 1, -3], F.TYPE_SFIXED64: [-99, 2**53 + 1],
    F.TYPE_UINT32: [2**32 - 1, 1], F.TYPE_FIXED32: [7, 2**31], F.TYPE_UINT64: [2**64 - 1, 10],
    F.TYPE_FIXED64: [2**63, 11], F.TYPE_FLOAT: [0.1, -2.5e-38, 3.4028234663852886e38], F.TYPE_DOUBLE: [0.1, -1e300, 5e-324],
    F.TYPE_BOOL: [True], F.TYPE_STRING: ["h\u00e9llo \"q\" \\ / \n\t \u2028 \U0001F600", "x"],
    F.TYPE_BYTES: [b"\x00\x01\xfe\xff", b"ab", b"abc", b"a"],
}

def scalar(field, seed):
    if field.type == F.TYPE_ENUM:
        values = field.enum_type.values
        return values[seed % len(values)].number or values[-1].number
    values = SCALARS[field.type]
    return values[seed % len(values)]

def fill_well_known(message, seed):
    name = message.DESCRIPTOR.full_name
    if name == "google.protobuf.Timestamp":
        message.seconds, message.nanos = [(1700000000, 123000000), (-62135596800, 0), (253402300799, 999999999), (0, 1000)][seed % 4]
    elif name == "google.protobuf.Duration":
        message.seconds, message.nanos = [(-90, -500000000), (315576000000, 0), (0, 1), (1, 10000)][seed % 4]
    elif name == "google.protobuf.FieldMask":
        message.paths.extend(["display_name", "address.postal_code"][: 1 + seed % 2])
    elif name == "google.protobuf.Struct":
        message.update({"n": 1.5, "s": "x", "z": None, "b": True, "l": [1, "two", None, {"k": []}], "o": {}})
    elif name == "google.protobuf.ListValue":
        message.extend([1, "a", None, False, {"x": 1}])
    elif name == "google.protobuf.Value":
        [lambda: setattr(message, "number_value", -0.25), lambda: setattr(message, "string_value", "v"),
         lambda: message.struct_value.update({"a": 1}), lambda: setattr(message, "bool_value", False)][seed % 4]()
    elif name == "google.protobuf.Any":
        inner = message_class("google.protobuf.Duration")(seconds=3)
        message.Pack(inner)
    elif name == "google.protobuf.Empty":
        pass
    elif name.startswith("google.protobuf.") and name.endswith("Value"):
        field = message.DESCRIPTOR.fields_by_name["value"]
        message.value = scalar(field, seed)
    else:
        return False
    return True

def populate(message, seed, depth):
    if fill_well_known(message, seed):
        return
    chosen_oneofs = {}
    for oneof in message.DESCRIPTOR.oneofs:
        chosen_oneofs[oneof.name] = oneof.fields[seed % len(oneof.fields)].name
    for index, field in enumerate(message.DESCRIPTOR.fields):
        mix = seed + index
        if field.containing_oneof is not None and chosen_oneofs[field.containing_oneof.name] != field.name:
            continue
        is_map = field.message_type is not None and field.message_type.GetOptions().map_entry
        if field.type == F.TYPE_MESSAGE and not is_map and depth >= 3:
            continue
        if is_map:
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            target = getattr(message, field.name)
            for offset in range(2):
                key = scalar(key_field, mix + offset)
                if value_field.type == F.TYPE_MESSAGE:
                    if depth < 3:
                        populate(target[key], mix + offset, depth + 1)
                else:
                    target[key] = scalar(value_field, mix + offset)
        elif field.is_repeated:
            target = getattr(message, field.name)
            for offset in range(2):
                if field.type == F.TYPE_MESSAGE:
                    populate(target.add(), mix + offset, depth + 1)
                else:
                    target.append(scalar(field, mix + offset))
        elif field.type == F.TYPE_MESSAGE:
            child = getattr(message, field.name)
            child.SetInParent()
            populate(child, mix, depth + 1)
        else:
            setattr(message, field.name, scalar(field, mix))

def as_float32(value):
    try:
        return struct.pack("<f", value)
    except (OverflowError, struct.error):
        return None

def same(a, b):
    """JSON value equality: numbers by value (1 == 1.0), booleans never equal to numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        # A float field's value may be written with more digits than its 32-bit value needs
        # (Python writes 1.4013e-45 where the shortest form is 1e-45): equal as floats is equal.
        # Exactness is checked separately, by reading each side's JSON back into the message.
        packed = as_float32(a)
        return a == b or (a != a and b != b) or (packed is not None and packed == as_float32(b))

    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b

def handle(request):
    op = request["op"]
    try:
        if op == "toJSON":
            message = load(request["type"], request["binary"])
            return {"json": json_format.MessageToJson(
                message, descriptor_pool=pool, indent=None,
                always_print_fields_with_no_presence=request.get("defaults", False),
                preserving_proto_field_name=request.get("protoNames", False))}
        if op == "parse":
            message = message_class(request["type"])()
            json_format.Parse(request["json"], message, descriptor_pool=pool,
                              ignore_unknown_fields=request.get("ignoreUnknown", False))
            return {"binary": encode(message)}
        if op == "sample":
            message = message_class(request["type"])()
            populate(message, request.get("seed", 0), 0)
            return {"binary": encode(message), "json": json_format.MessageToJson(message, descriptor_pool=pool, indent=None)}
        if op == "equalBinary":
            return {"equal": load(request["type"], request["binary"]) == load(request["type"], request["other"])}
        if op == "sameJSON":
            a, b = json.loads(request["json"]), json.loads(request["other"])
            return {"equal": same(a, b), "json": json.dumps(a, sort_keys=True), "other": json.dumps(b, sort_keys=True)}
        return {"error": "unknown op " + op}
    except Exception as error:  # the reference's rejection is a result, not a crash
        return {"error": "%s: %s" % (type(error).__name__, error)}

json.dump([handle(request) for request in job["requests"]], sys.stdout)
"""#
}
