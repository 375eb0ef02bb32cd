from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WriteFault(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WRITE_FAULT_NONE: _ClassVar[WriteFault]
    WRITE_FAULT_FAIL: _ClassVar[WriteFault]
    WRITE_FAULT_HANG: _ClassVar[WriteFault]
    WRITE_FAULT_DELAY: _ClassVar[WriteFault]

class ErrorCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_CODE_UNSPECIFIED: _ClassVar[ErrorCode]
    ERROR_CODE_INVALID_REQUEST: _ClassVar[ErrorCode]
    ERROR_CODE_NOT_CONNECTED: _ClassVar[ErrorCode]
    ERROR_CODE_ALREADY_CONNECTED: _ClassVar[ErrorCode]
    ERROR_CODE_CONNECTION_FAILED: _ClassVar[ErrorCode]
    ERROR_CODE_INVALID_ARGUMENT: _ClassVar[ErrorCode]
    ERROR_CODE_UNKNOWN_DEVICE: _ClassVar[ErrorCode]
    ERROR_CODE_NO_SIMULATED_HARDWARE: _ClassVar[ErrorCode]
    ERROR_CODE_UNSUPPORTED: _ClassVar[ErrorCode]
    ERROR_CODE_CONFIGURATION: _ClassVar[ErrorCode]
    ERROR_CODE_EVENTS_DROPPED: _ClassVar[ErrorCode]
    ERROR_CODE_INTERNAL: _ClassVar[ErrorCode]
    ERROR_CODE_SERVER_UNKNOWN: _ClassVar[ErrorCode]
    ERROR_CODE_SERVER_HANDSHAKE: _ClassVar[ErrorCode]
    ERROR_CODE_SERVER_PING: _ClassVar[ErrorCode]
    ERROR_CODE_SERVER_MESSAGE: _ClassVar[ErrorCode]
    ERROR_CODE_SERVER_DEVICE: _ClassVar[ErrorCode]
    ERROR_CODE_PLAYBACK_INVALID: _ClassVar[ErrorCode]
    ERROR_CODE_PLAYBACK_UNKNOWN: _ClassVar[ErrorCode]
    ERROR_CODE_PLAYBACK_BUSY: _ClassVar[ErrorCode]
    ERROR_CODE_PLAYBACK_UNAVAILABLE: _ClassVar[ErrorCode]

class ErrorCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_CATEGORY_UNSPECIFIED: _ClassVar[ErrorCategory]
    ERROR_CATEGORY_REQUEST: _ClassVar[ErrorCategory]
    ERROR_CATEGORY_CONNECTION: _ClassVar[ErrorCategory]
    ERROR_CATEGORY_SERVER: _ClassVar[ErrorCategory]
    ERROR_CATEGORY_DEVICE: _ClassVar[ErrorCategory]

class RecordKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECORD_KIND_UNSPECIFIED: _ClassVar[RecordKind]
    RECORD_KIND_WRITE: _ClassVar[RecordKind]
    RECORD_KIND_READ: _ClassVar[RecordKind]
    RECORD_KIND_SUBSCRIBE: _ClassVar[RecordKind]
    RECORD_KIND_UNSUBSCRIBE: _ClassVar[RecordKind]

class OutputType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTPUT_TYPE_UNSPECIFIED: _ClassVar[OutputType]
    OUTPUT_TYPE_VIBRATE: _ClassVar[OutputType]
    OUTPUT_TYPE_ROTATE: _ClassVar[OutputType]
    OUTPUT_TYPE_OSCILLATE: _ClassVar[OutputType]
    OUTPUT_TYPE_CONSTRICT: _ClassVar[OutputType]
    OUTPUT_TYPE_SPRAY: _ClassVar[OutputType]
    OUTPUT_TYPE_TEMPERATURE: _ClassVar[OutputType]
    OUTPUT_TYPE_LED: _ClassVar[OutputType]
    OUTPUT_TYPE_POSITION: _ClassVar[OutputType]
    OUTPUT_TYPE_HW_POSITION_WITH_DURATION: _ClassVar[OutputType]

class InputType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INPUT_TYPE_UNSPECIFIED: _ClassVar[InputType]
    INPUT_TYPE_BATTERY: _ClassVar[InputType]
    INPUT_TYPE_RSSI: _ClassVar[InputType]
    INPUT_TYPE_BUTTON: _ClassVar[InputType]
    INPUT_TYPE_PRESSURE: _ClassVar[InputType]
    INPUT_TYPE_DEPTH: _ClassVar[InputType]
    INPUT_TYPE_POSITION: _ClassVar[InputType]

class InputCommand(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INPUT_COMMAND_UNSPECIFIED: _ClassVar[InputCommand]
    INPUT_COMMAND_READ: _ClassVar[InputCommand]
    INPUT_COMMAND_SUBSCRIBE: _ClassVar[InputCommand]
    INPUT_COMMAND_UNSUBSCRIBE: _ClassVar[InputCommand]

class PlaybackInterpolation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAYBACK_INTERPOLATION_LINEAR: _ClassVar[PlaybackInterpolation]
    PLAYBACK_INTERPOLATION_PCHIP: _ClassVar[PlaybackInterpolation]
    PLAYBACK_INTERPOLATION_STEP: _ClassVar[PlaybackInterpolation]

class PlaybackSpeedMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAYBACK_SPEED_MODE_DIRECT: _ClassVar[PlaybackSpeedMode]
    PLAYBACK_SPEED_MODE_MOVEMENT: _ClassVar[PlaybackSpeedMode]

class PlaybackWaveform(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAYBACK_WAVEFORM_UNSPECIFIED: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_SINE: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_SQUARE: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_SAW: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_TRIANGLE: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_PULSE: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_RANDOM_WALK: _ClassVar[PlaybackWaveform]
    PLAYBACK_WAVEFORM_KEYFRAMES: _ClassVar[PlaybackWaveform]

class PlaybackEasing(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAYBACK_EASING_LINEAR: _ClassVar[PlaybackEasing]
    PLAYBACK_EASING_EASE_IN: _ClassVar[PlaybackEasing]
    PLAYBACK_EASING_EASE_OUT: _ClassVar[PlaybackEasing]
    PLAYBACK_EASING_EASE_IN_OUT: _ClassVar[PlaybackEasing]
    PLAYBACK_EASING_HOLD: _ClassVar[PlaybackEasing]

class PlaybackStopReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAYBACK_STOP_REASON_UNSPECIFIED: _ClassVar[PlaybackStopReason]
    PLAYBACK_STOP_REASON_REQUESTED: _ClassVar[PlaybackStopReason]
    PLAYBACK_STOP_REASON_DEVICE_STOPPED: _ClassVar[PlaybackStopReason]
    PLAYBACK_STOP_REASON_DEVICE_REMOVED: _ClassVar[PlaybackStopReason]
    PLAYBACK_STOP_REASON_WRITE_FAILED: _ClassVar[PlaybackStopReason]
WRITE_FAULT_NONE: WriteFault
WRITE_FAULT_FAIL: WriteFault
WRITE_FAULT_HANG: WriteFault
WRITE_FAULT_DELAY: WriteFault
ERROR_CODE_UNSPECIFIED: ErrorCode
ERROR_CODE_INVALID_REQUEST: ErrorCode
ERROR_CODE_NOT_CONNECTED: ErrorCode
ERROR_CODE_ALREADY_CONNECTED: ErrorCode
ERROR_CODE_CONNECTION_FAILED: ErrorCode
ERROR_CODE_INVALID_ARGUMENT: ErrorCode
ERROR_CODE_UNKNOWN_DEVICE: ErrorCode
ERROR_CODE_NO_SIMULATED_HARDWARE: ErrorCode
ERROR_CODE_UNSUPPORTED: ErrorCode
ERROR_CODE_CONFIGURATION: ErrorCode
ERROR_CODE_EVENTS_DROPPED: ErrorCode
ERROR_CODE_INTERNAL: ErrorCode
ERROR_CODE_SERVER_UNKNOWN: ErrorCode
ERROR_CODE_SERVER_HANDSHAKE: ErrorCode
ERROR_CODE_SERVER_PING: ErrorCode
ERROR_CODE_SERVER_MESSAGE: ErrorCode
ERROR_CODE_SERVER_DEVICE: ErrorCode
ERROR_CODE_PLAYBACK_INVALID: ErrorCode
ERROR_CODE_PLAYBACK_UNKNOWN: ErrorCode
ERROR_CODE_PLAYBACK_BUSY: ErrorCode
ERROR_CODE_PLAYBACK_UNAVAILABLE: ErrorCode
ERROR_CATEGORY_UNSPECIFIED: ErrorCategory
ERROR_CATEGORY_REQUEST: ErrorCategory
ERROR_CATEGORY_CONNECTION: ErrorCategory
ERROR_CATEGORY_SERVER: ErrorCategory
ERROR_CATEGORY_DEVICE: ErrorCategory
RECORD_KIND_UNSPECIFIED: RecordKind
RECORD_KIND_WRITE: RecordKind
RECORD_KIND_READ: RecordKind
RECORD_KIND_SUBSCRIBE: RecordKind
RECORD_KIND_UNSUBSCRIBE: RecordKind
OUTPUT_TYPE_UNSPECIFIED: OutputType
OUTPUT_TYPE_VIBRATE: OutputType
OUTPUT_TYPE_ROTATE: OutputType
OUTPUT_TYPE_OSCILLATE: OutputType
OUTPUT_TYPE_CONSTRICT: OutputType
OUTPUT_TYPE_SPRAY: OutputType
OUTPUT_TYPE_TEMPERATURE: OutputType
OUTPUT_TYPE_LED: OutputType
OUTPUT_TYPE_POSITION: OutputType
OUTPUT_TYPE_HW_POSITION_WITH_DURATION: OutputType
INPUT_TYPE_UNSPECIFIED: InputType
INPUT_TYPE_BATTERY: InputType
INPUT_TYPE_RSSI: InputType
INPUT_TYPE_BUTTON: InputType
INPUT_TYPE_PRESSURE: InputType
INPUT_TYPE_DEPTH: InputType
INPUT_TYPE_POSITION: InputType
INPUT_COMMAND_UNSPECIFIED: InputCommand
INPUT_COMMAND_READ: InputCommand
INPUT_COMMAND_SUBSCRIBE: InputCommand
INPUT_COMMAND_UNSUBSCRIBE: InputCommand
PLAYBACK_INTERPOLATION_LINEAR: PlaybackInterpolation
PLAYBACK_INTERPOLATION_PCHIP: PlaybackInterpolation
PLAYBACK_INTERPOLATION_STEP: PlaybackInterpolation
PLAYBACK_SPEED_MODE_DIRECT: PlaybackSpeedMode
PLAYBACK_SPEED_MODE_MOVEMENT: PlaybackSpeedMode
PLAYBACK_WAVEFORM_UNSPECIFIED: PlaybackWaveform
PLAYBACK_WAVEFORM_SINE: PlaybackWaveform
PLAYBACK_WAVEFORM_SQUARE: PlaybackWaveform
PLAYBACK_WAVEFORM_SAW: PlaybackWaveform
PLAYBACK_WAVEFORM_TRIANGLE: PlaybackWaveform
PLAYBACK_WAVEFORM_PULSE: PlaybackWaveform
PLAYBACK_WAVEFORM_RANDOM_WALK: PlaybackWaveform
PLAYBACK_WAVEFORM_KEYFRAMES: PlaybackWaveform
PLAYBACK_EASING_LINEAR: PlaybackEasing
PLAYBACK_EASING_EASE_IN: PlaybackEasing
PLAYBACK_EASING_EASE_OUT: PlaybackEasing
PLAYBACK_EASING_EASE_IN_OUT: PlaybackEasing
PLAYBACK_EASING_HOLD: PlaybackEasing
PLAYBACK_STOP_REASON_UNSPECIFIED: PlaybackStopReason
PLAYBACK_STOP_REASON_REQUESTED: PlaybackStopReason
PLAYBACK_STOP_REASON_DEVICE_STOPPED: PlaybackStopReason
PLAYBACK_STOP_REASON_DEVICE_REMOVED: PlaybackStopReason
PLAYBACK_STOP_REASON_WRITE_FAILED: PlaybackStopReason

class Request(_message.Message):
    __slots__ = ("connect_embedded", "connect_websocket", "start_scanning", "stop_scanning", "request_device_list", "device_output", "device_input", "stop_device", "stop_all", "ping", "disconnect", "device_outputs", "simulated_add_device", "simulated_notify", "simulated_queue_read", "simulated_drop", "simulated_restore", "simulated_write_log", "simulated_set_write_fault", "playback_start", "playback_control", "get_server_info")
    CONNECT_EMBEDDED_FIELD_NUMBER: _ClassVar[int]
    CONNECT_WEBSOCKET_FIELD_NUMBER: _ClassVar[int]
    START_SCANNING_FIELD_NUMBER: _ClassVar[int]
    STOP_SCANNING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_DEVICE_LIST_FIELD_NUMBER: _ClassVar[int]
    DEVICE_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    DEVICE_INPUT_FIELD_NUMBER: _ClassVar[int]
    STOP_DEVICE_FIELD_NUMBER: _ClassVar[int]
    STOP_ALL_FIELD_NUMBER: _ClassVar[int]
    PING_FIELD_NUMBER: _ClassVar[int]
    DISCONNECT_FIELD_NUMBER: _ClassVar[int]
    DEVICE_OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_ADD_DEVICE_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_NOTIFY_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_QUEUE_READ_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_DROP_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_RESTORE_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_WRITE_LOG_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_SET_WRITE_FAULT_FIELD_NUMBER: _ClassVar[int]
    PLAYBACK_START_FIELD_NUMBER: _ClassVar[int]
    PLAYBACK_CONTROL_FIELD_NUMBER: _ClassVar[int]
    GET_SERVER_INFO_FIELD_NUMBER: _ClassVar[int]
    connect_embedded: ConnectEmbedded
    connect_websocket: ConnectWebsocket
    start_scanning: StartScanning
    stop_scanning: StopScanning
    request_device_list: RequestDeviceList
    device_output: DeviceOutput
    device_input: DeviceInput
    stop_device: StopDevice
    stop_all: StopAll
    ping: Ping
    disconnect: Disconnect
    device_outputs: DeviceOutputs
    simulated_add_device: SimulatedAddDevice
    simulated_notify: SimulatedNotify
    simulated_queue_read: SimulatedQueueRead
    simulated_drop: SimulatedDrop
    simulated_restore: SimulatedRestore
    simulated_write_log: SimulatedWriteLog
    simulated_set_write_fault: SimulatedSetWriteFault
    playback_start: PlaybackStart
    playback_control: PlaybackControl
    get_server_info: GetServerInfo
    def __init__(self, connect_embedded: _Optional[_Union[ConnectEmbedded, _Mapping]] = ..., connect_websocket: _Optional[_Union[ConnectWebsocket, _Mapping]] = ..., start_scanning: _Optional[_Union[StartScanning, _Mapping]] = ..., stop_scanning: _Optional[_Union[StopScanning, _Mapping]] = ..., request_device_list: _Optional[_Union[RequestDeviceList, _Mapping]] = ..., device_output: _Optional[_Union[DeviceOutput, _Mapping]] = ..., device_input: _Optional[_Union[DeviceInput, _Mapping]] = ..., stop_device: _Optional[_Union[StopDevice, _Mapping]] = ..., stop_all: _Optional[_Union[StopAll, _Mapping]] = ..., ping: _Optional[_Union[Ping, _Mapping]] = ..., disconnect: _Optional[_Union[Disconnect, _Mapping]] = ..., device_outputs: _Optional[_Union[DeviceOutputs, _Mapping]] = ..., simulated_add_device: _Optional[_Union[SimulatedAddDevice, _Mapping]] = ..., simulated_notify: _Optional[_Union[SimulatedNotify, _Mapping]] = ..., simulated_queue_read: _Optional[_Union[SimulatedQueueRead, _Mapping]] = ..., simulated_drop: _Optional[_Union[SimulatedDrop, _Mapping]] = ..., simulated_restore: _Optional[_Union[SimulatedRestore, _Mapping]] = ..., simulated_write_log: _Optional[_Union[SimulatedWriteLog, _Mapping]] = ..., simulated_set_write_fault: _Optional[_Union[SimulatedSetWriteFault, _Mapping]] = ..., playback_start: _Optional[_Union[PlaybackStart, _Mapping]] = ..., playback_control: _Optional[_Union[PlaybackControl, _Mapping]] = ..., get_server_info: _Optional[_Union[GetServerInfo, _Mapping]] = ...) -> None: ...

class GetServerInfo(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ConnectEmbedded(_message.Message):
    __slots__ = ("client_name", "server_name", "max_ping_time_ms", "simulated", "bluetooth_le", "serial", "device_websocket", "device_config_json", "user_config_json", "simulated_devices", "default_message_gap_ms", "hardware_timeout_ms")
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    SERVER_NAME_FIELD_NUMBER: _ClassVar[int]
    MAX_PING_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_FIELD_NUMBER: _ClassVar[int]
    BLUETOOTH_LE_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    DEVICE_WEBSOCKET_FIELD_NUMBER: _ClassVar[int]
    DEVICE_CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    USER_CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_DEVICES_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_MESSAGE_GAP_MS_FIELD_NUMBER: _ClassVar[int]
    HARDWARE_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    client_name: str
    server_name: str
    max_ping_time_ms: int
    simulated: bool
    bluetooth_le: bool
    serial: bool
    device_websocket: bool
    device_config_json: str
    user_config_json: str
    simulated_devices: _containers.RepeatedCompositeFieldContainer[SimulatedDevice]
    default_message_gap_ms: int
    hardware_timeout_ms: int
    def __init__(self, client_name: _Optional[str] = ..., server_name: _Optional[str] = ..., max_ping_time_ms: _Optional[int] = ..., simulated: _Optional[bool] = ..., bluetooth_le: _Optional[bool] = ..., serial: _Optional[bool] = ..., device_websocket: _Optional[bool] = ..., device_config_json: _Optional[str] = ..., user_config_json: _Optional[str] = ..., simulated_devices: _Optional[_Iterable[_Union[SimulatedDevice, _Mapping]]] = ..., default_message_gap_ms: _Optional[int] = ..., hardware_timeout_ms: _Optional[int] = ...) -> None: ...

class ConnectWebsocket(_message.Message):
    __slots__ = ("client_name", "url", "no_ping", "ping_interval_ms", "reconnect", "reconnect_initial_delay_ms", "reconnect_max_delay_ms", "reconnect_max_attempts")
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    NO_PING_FIELD_NUMBER: _ClassVar[int]
    PING_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_INITIAL_DELAY_MS_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_MAX_DELAY_MS_FIELD_NUMBER: _ClassVar[int]
    RECONNECT_MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    client_name: str
    url: str
    no_ping: bool
    ping_interval_ms: int
    reconnect: bool
    reconnect_initial_delay_ms: int
    reconnect_max_delay_ms: int
    reconnect_max_attempts: int
    def __init__(self, client_name: _Optional[str] = ..., url: _Optional[str] = ..., no_ping: _Optional[bool] = ..., ping_interval_ms: _Optional[int] = ..., reconnect: _Optional[bool] = ..., reconnect_initial_delay_ms: _Optional[int] = ..., reconnect_max_delay_ms: _Optional[int] = ..., reconnect_max_attempts: _Optional[int] = ...) -> None: ...

class StartScanning(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StopScanning(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RequestDeviceList(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeviceOutput(_message.Message):
    __slots__ = ("device_index", "feature_index", "output", "fraction", "steps", "duration_ms")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    feature_index: int
    output: OutputType
    fraction: float
    steps: int
    duration_ms: int
    def __init__(self, device_index: _Optional[int] = ..., feature_index: _Optional[int] = ..., output: _Optional[_Union[OutputType, str]] = ..., fraction: _Optional[float] = ..., steps: _Optional[int] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class DeviceOutputs(_message.Message):
    __slots__ = ("device_index", "outputs")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    outputs: _containers.RepeatedCompositeFieldContainer[DeviceOutput]
    def __init__(self, device_index: _Optional[int] = ..., outputs: _Optional[_Iterable[_Union[DeviceOutput, _Mapping]]] = ...) -> None: ...

class DeviceInput(_message.Message):
    __slots__ = ("device_index", "feature_index", "input", "command")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    feature_index: int
    input: InputType
    command: InputCommand
    def __init__(self, device_index: _Optional[int] = ..., feature_index: _Optional[int] = ..., input: _Optional[_Union[InputType, str]] = ..., command: _Optional[_Union[InputCommand, str]] = ...) -> None: ...

class StopDevice(_message.Message):
    __slots__ = ("device_index", "feature_index")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    feature_index: int
    def __init__(self, device_index: _Optional[int] = ..., feature_index: _Optional[int] = ...) -> None: ...

class StopAll(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Ping(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Disconnect(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SimulatedDevice(_message.Message):
    __slots__ = ("name", "address", "model", "battery_level", "serial_port", "firmware", "key", "script", "no_builtin_responder")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    BATTERY_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SERIAL_PORT_FIELD_NUMBER: _ClassVar[int]
    FIRMWARE_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    NO_BUILTIN_RESPONDER_FIELD_NUMBER: _ClassVar[int]
    name: str
    address: str
    model: str
    battery_level: int
    serial_port: str
    firmware: int
    key: bytes
    script: _containers.RepeatedCompositeFieldContainer[ScriptRule]
    no_builtin_responder: bool
    def __init__(self, name: _Optional[str] = ..., address: _Optional[str] = ..., model: _Optional[str] = ..., battery_level: _Optional[int] = ..., serial_port: _Optional[str] = ..., firmware: _Optional[int] = ..., key: _Optional[bytes] = ..., script: _Optional[_Iterable[_Union[ScriptRule, _Mapping]]] = ..., no_builtin_responder: _Optional[bool] = ...) -> None: ...

class ScriptRule(_message.Message):
    __slots__ = ("write", "subscribe", "then")
    WRITE_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBE_FIELD_NUMBER: _ClassVar[int]
    THEN_FIELD_NUMBER: _ClassVar[int]
    write: ScriptWrite
    subscribe: str
    then: _containers.RepeatedCompositeFieldContainer[ScriptAction]
    def __init__(self, write: _Optional[_Union[ScriptWrite, _Mapping]] = ..., subscribe: _Optional[str] = ..., then: _Optional[_Iterable[_Union[ScriptAction, _Mapping]]] = ...) -> None: ...

class ScriptWrite(_message.Message):
    __slots__ = ("endpoint", "bytes", "prefix")
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    endpoint: str
    bytes: bytes
    prefix: bool
    def __init__(self, endpoint: _Optional[str] = ..., bytes: _Optional[bytes] = ..., prefix: _Optional[bool] = ...) -> None: ...

class ScriptAction(_message.Message):
    __slots__ = ("notify", "queue_read")
    NOTIFY_FIELD_NUMBER: _ClassVar[int]
    QUEUE_READ_FIELD_NUMBER: _ClassVar[int]
    notify: EndpointBytes
    queue_read: EndpointBytes
    def __init__(self, notify: _Optional[_Union[EndpointBytes, _Mapping]] = ..., queue_read: _Optional[_Union[EndpointBytes, _Mapping]] = ...) -> None: ...

class EndpointBytes(_message.Message):
    __slots__ = ("endpoint", "bytes")
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    endpoint: str
    bytes: bytes
    def __init__(self, endpoint: _Optional[str] = ..., bytes: _Optional[bytes] = ...) -> None: ...

class SimulatedAddDevice(_message.Message):
    __slots__ = ("device",)
    DEVICE_FIELD_NUMBER: _ClassVar[int]
    device: SimulatedDevice
    def __init__(self, device: _Optional[_Union[SimulatedDevice, _Mapping]] = ...) -> None: ...

class SimulatedNotify(_message.Message):
    __slots__ = ("address", "endpoint", "data")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    address: str
    endpoint: str
    data: bytes
    def __init__(self, address: _Optional[str] = ..., endpoint: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class SimulatedQueueRead(_message.Message):
    __slots__ = ("address", "endpoint", "data")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    address: str
    endpoint: str
    data: bytes
    def __init__(self, address: _Optional[str] = ..., endpoint: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class SimulatedDrop(_message.Message):
    __slots__ = ("address",)
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    address: str
    def __init__(self, address: _Optional[str] = ...) -> None: ...

class SimulatedRestore(_message.Message):
    __slots__ = ("address",)
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    address: str
    def __init__(self, address: _Optional[str] = ...) -> None: ...

class SimulatedWriteLog(_message.Message):
    __slots__ = ("address", "clear")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CLEAR_FIELD_NUMBER: _ClassVar[int]
    address: str
    clear: bool
    def __init__(self, address: _Optional[str] = ..., clear: _Optional[bool] = ...) -> None: ...

class SimulatedSetWriteFault(_message.Message):
    __slots__ = ("address", "fault", "delay_ms")
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    FAULT_FIELD_NUMBER: _ClassVar[int]
    DELAY_MS_FIELD_NUMBER: _ClassVar[int]
    address: str
    fault: WriteFault
    delay_ms: int
    def __init__(self, address: _Optional[str] = ..., fault: _Optional[_Union[WriteFault, str]] = ..., delay_ms: _Optional[int] = ...) -> None: ...

class Reply(_message.Message):
    __slots__ = ("ok", "error", "device_list", "input_reading", "write_log", "simulated_device_added", "playback_started", "server_info")
    OK_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    DEVICE_LIST_FIELD_NUMBER: _ClassVar[int]
    INPUT_READING_FIELD_NUMBER: _ClassVar[int]
    WRITE_LOG_FIELD_NUMBER: _ClassVar[int]
    SIMULATED_DEVICE_ADDED_FIELD_NUMBER: _ClassVar[int]
    PLAYBACK_STARTED_FIELD_NUMBER: _ClassVar[int]
    SERVER_INFO_FIELD_NUMBER: _ClassVar[int]
    ok: Ok
    error: Error
    device_list: DeviceList
    input_reading: InputReading
    write_log: WriteLog
    simulated_device_added: SimulatedDeviceAdded
    playback_started: PlaybackStarted
    server_info: ServerInfo
    def __init__(self, ok: _Optional[_Union[Ok, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., device_list: _Optional[_Union[DeviceList, _Mapping]] = ..., input_reading: _Optional[_Union[InputReading, _Mapping]] = ..., write_log: _Optional[_Union[WriteLog, _Mapping]] = ..., simulated_device_added: _Optional[_Union[SimulatedDeviceAdded, _Mapping]] = ..., playback_started: _Optional[_Union[PlaybackStarted, _Mapping]] = ..., server_info: _Optional[_Union[ServerInfo, _Mapping]] = ...) -> None: ...

class ServerInfo(_message.Message):
    __slots__ = ("server_name", "max_ping_time_ms")
    SERVER_NAME_FIELD_NUMBER: _ClassVar[int]
    MAX_PING_TIME_MS_FIELD_NUMBER: _ClassVar[int]
    server_name: str
    max_ping_time_ms: int
    def __init__(self, server_name: _Optional[str] = ..., max_ping_time_ms: _Optional[int] = ...) -> None: ...

class Ok(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "category", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: ErrorCode
    category: ErrorCategory
    message: str
    def __init__(self, code: _Optional[_Union[ErrorCode, str]] = ..., category: _Optional[_Union[ErrorCategory, str]] = ..., message: _Optional[str] = ...) -> None: ...

class DeviceList(_message.Message):
    __slots__ = ("devices",)
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    devices: _containers.RepeatedCompositeFieldContainer[Device]
    def __init__(self, devices: _Optional[_Iterable[_Union[Device, _Mapping]]] = ...) -> None: ...

class InputReading(_message.Message):
    __slots__ = ("device_index", "feature_index", "input", "value")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    feature_index: int
    input: InputType
    value: int
    def __init__(self, device_index: _Optional[int] = ..., feature_index: _Optional[int] = ..., input: _Optional[_Union[InputType, str]] = ..., value: _Optional[int] = ...) -> None: ...

class WriteLog(_message.Message):
    __slots__ = ("records",)
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[WriteRecord]
    def __init__(self, records: _Optional[_Iterable[_Union[WriteRecord, _Mapping]]] = ...) -> None: ...

class WriteRecord(_message.Message):
    __slots__ = ("kind", "endpoint", "data", "with_response", "at_us")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    WITH_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    AT_US_FIELD_NUMBER: _ClassVar[int]
    kind: RecordKind
    endpoint: str
    data: bytes
    with_response: bool
    at_us: int
    def __init__(self, kind: _Optional[_Union[RecordKind, str]] = ..., endpoint: _Optional[str] = ..., data: _Optional[bytes] = ..., with_response: _Optional[bool] = ..., at_us: _Optional[int] = ...) -> None: ...

class SimulatedDeviceAdded(_message.Message):
    __slots__ = ("address",)
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    address: str
    def __init__(self, address: _Optional[str] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("device_added", "device_removed", "scanning_finished", "input_reading", "server_disconnected", "error", "ping_timeout", "request_reply", "playback", "connection_lost", "reconnected")
    DEVICE_ADDED_FIELD_NUMBER: _ClassVar[int]
    DEVICE_REMOVED_FIELD_NUMBER: _ClassVar[int]
    SCANNING_FINISHED_FIELD_NUMBER: _ClassVar[int]
    INPUT_READING_FIELD_NUMBER: _ClassVar[int]
    SERVER_DISCONNECTED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PING_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_REPLY_FIELD_NUMBER: _ClassVar[int]
    PLAYBACK_FIELD_NUMBER: _ClassVar[int]
    CONNECTION_LOST_FIELD_NUMBER: _ClassVar[int]
    RECONNECTED_FIELD_NUMBER: _ClassVar[int]
    device_added: Device
    device_removed: DeviceRemoved
    scanning_finished: ScanningFinished
    input_reading: InputReading
    server_disconnected: ServerDisconnected
    error: Error
    ping_timeout: PingTimeout
    request_reply: RequestReply
    playback: PlaybackEvent
    connection_lost: ConnectionLost
    reconnected: Reconnected
    def __init__(self, device_added: _Optional[_Union[Device, _Mapping]] = ..., device_removed: _Optional[_Union[DeviceRemoved, _Mapping]] = ..., scanning_finished: _Optional[_Union[ScanningFinished, _Mapping]] = ..., input_reading: _Optional[_Union[InputReading, _Mapping]] = ..., server_disconnected: _Optional[_Union[ServerDisconnected, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., ping_timeout: _Optional[_Union[PingTimeout, _Mapping]] = ..., request_reply: _Optional[_Union[RequestReply, _Mapping]] = ..., playback: _Optional[_Union[PlaybackEvent, _Mapping]] = ..., connection_lost: _Optional[_Union[ConnectionLost, _Mapping]] = ..., reconnected: _Optional[_Union[Reconnected, _Mapping]] = ...) -> None: ...

class ConnectionLost(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Reconnected(_message.Message):
    __slots__ = ("attempts", "devices")
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    DEVICES_FIELD_NUMBER: _ClassVar[int]
    attempts: int
    devices: _containers.RepeatedCompositeFieldContainer[Device]
    def __init__(self, attempts: _Optional[int] = ..., devices: _Optional[_Iterable[_Union[Device, _Mapping]]] = ...) -> None: ...

class RequestReply(_message.Message):
    __slots__ = ("request_id", "reply")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    reply: Reply
    def __init__(self, request_id: _Optional[int] = ..., reply: _Optional[_Union[Reply, _Mapping]] = ...) -> None: ...

class DeviceRemoved(_message.Message):
    __slots__ = ("index", "name")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    index: int
    name: str
    def __init__(self, index: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ScanningFinished(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ServerDisconnected(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PingTimeout(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Device(_message.Message):
    __slots__ = ("index", "name", "display_name", "message_gap_ms", "features")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_GAP_MS_FIELD_NUMBER: _ClassVar[int]
    FEATURES_FIELD_NUMBER: _ClassVar[int]
    index: int
    name: str
    display_name: str
    message_gap_ms: int
    features: _containers.RepeatedCompositeFieldContainer[Feature]
    def __init__(self, index: _Optional[int] = ..., name: _Optional[str] = ..., display_name: _Optional[str] = ..., message_gap_ms: _Optional[int] = ..., features: _Optional[_Iterable[_Union[Feature, _Mapping]]] = ...) -> None: ...

class Feature(_message.Message):
    __slots__ = ("index", "description", "outputs", "inputs")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    index: int
    description: str
    outputs: _containers.RepeatedCompositeFieldContainer[Output]
    inputs: _containers.RepeatedCompositeFieldContainer[Input]
    def __init__(self, index: _Optional[int] = ..., description: _Optional[str] = ..., outputs: _Optional[_Iterable[_Union[Output, _Mapping]]] = ..., inputs: _Optional[_Iterable[_Union[Input, _Mapping]]] = ...) -> None: ...

class Output(_message.Message):
    __slots__ = ("type", "min", "max", "duration")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    type: OutputType
    min: int
    max: int
    duration: Range
    def __init__(self, type: _Optional[_Union[OutputType, str]] = ..., min: _Optional[int] = ..., max: _Optional[int] = ..., duration: _Optional[_Union[Range, _Mapping]] = ...) -> None: ...

class Input(_message.Message):
    __slots__ = ("type", "ranges", "commands")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RANGES_FIELD_NUMBER: _ClassVar[int]
    COMMANDS_FIELD_NUMBER: _ClassVar[int]
    type: InputType
    ranges: _containers.RepeatedCompositeFieldContainer[Range]
    commands: _containers.RepeatedScalarFieldContainer[InputCommand]
    def __init__(self, type: _Optional[_Union[InputType, str]] = ..., ranges: _Optional[_Iterable[_Union[Range, _Mapping]]] = ..., commands: _Optional[_Iterable[_Union[InputCommand, str]]] = ...) -> None: ...

class Range(_message.Message):
    __slots__ = ("min", "max")
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    min: int
    max: int
    def __init__(self, min: _Optional[int] = ..., max: _Optional[int] = ...) -> None: ...

class PlaybackStart(_message.Message):
    __slots__ = ("tracks", "start_ms", "rate", "paused", "offset_ms", "min_interval_ms", "position_every_ms", "funscript_json", "interpolation")
    TRACKS_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    OFFSET_MS_FIELD_NUMBER: _ClassVar[int]
    MIN_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    POSITION_EVERY_MS_FIELD_NUMBER: _ClassVar[int]
    FUNSCRIPT_JSON_FIELD_NUMBER: _ClassVar[int]
    INTERPOLATION_FIELD_NUMBER: _ClassVar[int]
    tracks: _containers.RepeatedCompositeFieldContainer[PlaybackTrack]
    start_ms: float
    rate: float
    paused: bool
    offset_ms: float
    min_interval_ms: float
    position_every_ms: float
    funscript_json: str
    interpolation: PlaybackInterpolation
    def __init__(self, tracks: _Optional[_Iterable[_Union[PlaybackTrack, _Mapping]]] = ..., start_ms: _Optional[float] = ..., rate: _Optional[float] = ..., paused: _Optional[bool] = ..., offset_ms: _Optional[float] = ..., min_interval_ms: _Optional[float] = ..., position_every_ms: _Optional[float] = ..., funscript_json: _Optional[str] = ..., interpolation: _Optional[_Union[PlaybackInterpolation, str]] = ...) -> None: ...

class PlaybackTrack(_message.Message):
    __slots__ = ("device_index", "feature_index", "output", "funscript", "pattern", "range_min", "range_max", "invert", "scale", "speed_mode", "latency_ms")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    FUNSCRIPT_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    RANGE_MIN_FIELD_NUMBER: _ClassVar[int]
    RANGE_MAX_FIELD_NUMBER: _ClassVar[int]
    INVERT_FIELD_NUMBER: _ClassVar[int]
    SCALE_FIELD_NUMBER: _ClassVar[int]
    SPEED_MODE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    feature_index: int
    output: OutputType
    funscript: PlaybackFunscriptAxis
    pattern: PlaybackPattern
    range_min: float
    range_max: float
    invert: bool
    scale: float
    speed_mode: PlaybackSpeedMode
    latency_ms: float
    def __init__(self, device_index: _Optional[int] = ..., feature_index: _Optional[int] = ..., output: _Optional[_Union[OutputType, str]] = ..., funscript: _Optional[_Union[PlaybackFunscriptAxis, _Mapping]] = ..., pattern: _Optional[_Union[PlaybackPattern, _Mapping]] = ..., range_min: _Optional[float] = ..., range_max: _Optional[float] = ..., invert: _Optional[bool] = ..., scale: _Optional[float] = ..., speed_mode: _Optional[_Union[PlaybackSpeedMode, str]] = ..., latency_ms: _Optional[float] = ...) -> None: ...

class PlaybackFunscriptAxis(_message.Message):
    __slots__ = ("json", "axis", "interpolation")
    JSON_FIELD_NUMBER: _ClassVar[int]
    AXIS_FIELD_NUMBER: _ClassVar[int]
    INTERPOLATION_FIELD_NUMBER: _ClassVar[int]
    json: str
    axis: str
    interpolation: PlaybackInterpolation
    def __init__(self, json: _Optional[str] = ..., axis: _Optional[str] = ..., interpolation: _Optional[_Union[PlaybackInterpolation, str]] = ...) -> None: ...

class PlaybackPattern(_message.Message):
    __slots__ = ("waveform", "period_ms", "duty", "seed", "step", "keyframes", "once", "amplitude", "time_scale")
    WAVEFORM_FIELD_NUMBER: _ClassVar[int]
    PERIOD_MS_FIELD_NUMBER: _ClassVar[int]
    DUTY_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    KEYFRAMES_FIELD_NUMBER: _ClassVar[int]
    ONCE_FIELD_NUMBER: _ClassVar[int]
    AMPLITUDE_FIELD_NUMBER: _ClassVar[int]
    TIME_SCALE_FIELD_NUMBER: _ClassVar[int]
    waveform: PlaybackWaveform
    period_ms: float
    duty: float
    seed: int
    step: float
    keyframes: _containers.RepeatedCompositeFieldContainer[PlaybackKeyframe]
    once: bool
    amplitude: float
    time_scale: float
    def __init__(self, waveform: _Optional[_Union[PlaybackWaveform, str]] = ..., period_ms: _Optional[float] = ..., duty: _Optional[float] = ..., seed: _Optional[int] = ..., step: _Optional[float] = ..., keyframes: _Optional[_Iterable[_Union[PlaybackKeyframe, _Mapping]]] = ..., once: _Optional[bool] = ..., amplitude: _Optional[float] = ..., time_scale: _Optional[float] = ...) -> None: ...

class PlaybackKeyframe(_message.Message):
    __slots__ = ("at_ms", "value", "easing")
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    EASING_FIELD_NUMBER: _ClassVar[int]
    at_ms: float
    value: float
    easing: PlaybackEasing
    def __init__(self, at_ms: _Optional[float] = ..., value: _Optional[float] = ..., easing: _Optional[_Union[PlaybackEasing, str]] = ...) -> None: ...

class PlaybackControl(_message.Message):
    __slots__ = ("playback_id", "pause", "resume", "seek_ms", "rate", "sync_ms", "offset_ms", "stop", "latency")
    PLAYBACK_ID_FIELD_NUMBER: _ClassVar[int]
    PAUSE_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    SEEK_MS_FIELD_NUMBER: _ClassVar[int]
    RATE_FIELD_NUMBER: _ClassVar[int]
    SYNC_MS_FIELD_NUMBER: _ClassVar[int]
    OFFSET_MS_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    LATENCY_FIELD_NUMBER: _ClassVar[int]
    playback_id: int
    pause: PlaybackPause
    resume: PlaybackResume
    seek_ms: float
    rate: float
    sync_ms: float
    offset_ms: float
    stop: PlaybackStop
    latency: PlaybackLatency
    def __init__(self, playback_id: _Optional[int] = ..., pause: _Optional[_Union[PlaybackPause, _Mapping]] = ..., resume: _Optional[_Union[PlaybackResume, _Mapping]] = ..., seek_ms: _Optional[float] = ..., rate: _Optional[float] = ..., sync_ms: _Optional[float] = ..., offset_ms: _Optional[float] = ..., stop: _Optional[_Union[PlaybackStop, _Mapping]] = ..., latency: _Optional[_Union[PlaybackLatency, _Mapping]] = ...) -> None: ...

class PlaybackPause(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PlaybackResume(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PlaybackStop(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PlaybackLatency(_message.Message):
    __slots__ = ("device_index", "latency_ms")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    latency_ms: float
    def __init__(self, device_index: _Optional[int] = ..., latency_ms: _Optional[float] = ...) -> None: ...

class PlaybackStarted(_message.Message):
    __slots__ = ("playback_id",)
    PLAYBACK_ID_FIELD_NUMBER: _ClassVar[int]
    playback_id: int
    def __init__(self, playback_id: _Optional[int] = ...) -> None: ...

class PlaybackEvent(_message.Message):
    __slots__ = ("playback_id", "started_ms", "position_ms", "track_stopped", "ended", "stopped")
    PLAYBACK_ID_FIELD_NUMBER: _ClassVar[int]
    STARTED_MS_FIELD_NUMBER: _ClassVar[int]
    POSITION_MS_FIELD_NUMBER: _ClassVar[int]
    TRACK_STOPPED_FIELD_NUMBER: _ClassVar[int]
    ENDED_FIELD_NUMBER: _ClassVar[int]
    STOPPED_FIELD_NUMBER: _ClassVar[int]
    playback_id: int
    started_ms: float
    position_ms: float
    track_stopped: PlaybackTrackStopped
    ended: PlaybackEnded
    stopped: PlaybackStopped
    def __init__(self, playback_id: _Optional[int] = ..., started_ms: _Optional[float] = ..., position_ms: _Optional[float] = ..., track_stopped: _Optional[_Union[PlaybackTrackStopped, _Mapping]] = ..., ended: _Optional[_Union[PlaybackEnded, _Mapping]] = ..., stopped: _Optional[_Union[PlaybackStopped, _Mapping]] = ...) -> None: ...

class PlaybackEnded(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PlaybackTrackStopped(_message.Message):
    __slots__ = ("device_index", "feature_index", "output", "reason", "message")
    DEVICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FEATURE_INDEX_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    device_index: int
    feature_index: int
    output: OutputType
    reason: PlaybackStopReason
    message: str
    def __init__(self, device_index: _Optional[int] = ..., feature_index: _Optional[int] = ..., output: _Optional[_Union[OutputType, str]] = ..., reason: _Optional[_Union[PlaybackStopReason, str]] = ..., message: _Optional[str] = ...) -> None: ...

class PlaybackStopped(_message.Message):
    __slots__ = ("reason", "message")
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    reason: PlaybackStopReason
    message: str
    def __init__(self, reason: _Optional[_Union[PlaybackStopReason, str]] = ..., message: _Optional[str] = ...) -> None: ...
