#!/usr/bin/python3
"""A BlueZ stand-in for plugwire's Bluetooth LE tests.

Starts a private dbus-daemon, puts python3-dbusmock's `bluez5` template on it as
`org.bluez`, and lets the test drive it with one JSON object per line on stdin; each
command is answered with one JSON object per line on stdout. The first line written is
`{"ready": true, "address": "<bus address>"}`; the test points DBUS_SYSTEM_BUS_ADDRESS
there.

What the template lacks is added here:
- GATT services and characteristics (org.bluez.GattService1 / GattCharacteristic1 with
  ReadValue, WriteValue, StartNotify, StopNotify; notifications are PropertiesChanged on
  Value, sent only while notifying, as BlueZ does);
- a Device1.Connect that really sets Connected and ServicesResolved (the template's only
  flips a Python attribute);
- introspection XML with interfaces before child nodes (dbusmock appends property-only
  interfaces after the nodes, which the Rust BlueZ client's XML reader rejects);
- toys that answer: a write whose bytes are in the device's `answers` table is answered
  by a notification on the device's answer characteristic.

Commands (`cmd` field):
  adapter                      add adapter hci0
  add_device  {address, name, advertised?, manufacturer?, services, answers?, answer_char?,
               connect_failures?}  (the first connect_failures Connect calls fail)
      services: {service_uuid: {char_uuid: {"flags": [...], "value": "hex"?}}}
      manufacturer: {company_id: "hex"}
  writes      {address}        every WriteValue so far: [{char, data(hex), type}]
  notify      {address, char, data(hex)} -> {"sent": bool}
  set_value   {address, char, data(hex)}  (what ReadValue answers)
  calls       {address, method}  how often Device1/GATT method `method` was called
  drop_link   {address}        the link drops; BlueZ keeps the device (switched off)
  advertise   {address, rssi}  an advertisement is heard (RSSI changes)
  advertisement {address, advertised?, manufacturer?}  new advertisement contents
  go_away     {address}        disconnect and forget the device (out of range)
  come_back   {address}        advertise it again with the same GATT layout
  reset                        remove every device and the adapter, forget the logs
  quit
It stops (and stops the bus) on `quit`, on end of stdin (so when the test process
exits, whatever way it does) and on SIGTERM; the bus also goes when this process does.
"""

import ctypes
import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

import dbusmock
from dbusmock import mockobject

DEVICE_IFACE = 'org.bluez.Device1'
SERVICE_IFACE = 'org.bluez.GattService1'
CHAR_IFACE = 'org.bluez.GattCharacteristic1'
OBJECT_MANAGER_IFACE = 'org.freedesktop.DBus.ObjectManager'

PR_SET_PDEATHSIG = 1


def die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# --- quirk 1: interfaces before child nodes in introspection XML ------------------------

_original_introspect = mockobject.DBusMockObject.Introspect


@dbus.service.method(dbus.INTROSPECTABLE_IFACE, in_signature='', out_signature='s',
                     path_keyword='object_path', connection_keyword='connection')
def _introspect_interfaces_first(self, object_path, connection):
    xml = _original_introspect(self, object_path, connection)
    tree = ElementTree.fromstring(xml)
    children = list(tree)
    for child in children:
        tree.remove(child)
    for child in [c for c in children if c.tag != 'node'] + [c for c in children if c.tag == 'node']:
        tree.append(child)
    return ElementTree.tostring(tree, encoding='unicode')


mockobject.DBusMockObject.Introspect = _introspect_interfaces_first


def variant_bytes(data):
    return dbus.Array([dbus.Byte(b) for b in data], signature='y', variant_level=1)


class StandIn:
    def __init__(self, bus, root):
        self.bus = bus
        self.root = root
        # address -> the add_device command, kept so the device can come back
        self.layouts = {}
        # address -> list of writes
        self.writes = {}
        # address -> {method: count}
        self.calls = {}

    # --- paths -------------------------------------------------------------------------

    @staticmethod
    def device_path(address):
        return '/org/bluez/hci0/dev_' + address.replace(':', '_').upper()

    def char_paths(self, address):
        """char uuid -> object path, in layout order."""
        paths = {}
        handle = 0x10
        for service_uuid, chars in self.layouts[address]['services'].items():
            service_path = f'{self.device_path(address)}/service{handle:04x}'
            handle += 1
            for char_uuid in chars:
                paths[char_uuid.lower()] = f'{service_path}/char{handle:04x}'
                handle += 1
        return paths

    def count(self, address, method):
        per = self.calls.setdefault(address, {})
        per[method] = per.get(method, 0) + 1

    # --- devices -----------------------------------------------------------------------

    def add_device(self, cmd):
        address = cmd['address']
        self.layouts[address] = cmd
        self.writes.setdefault(address, [])
        self.materialize(address)
        return {'path': self.device_path(address)}

    def materialize(self, address):
        layout = self.layouts[address]
        path = self.root.AddDevice('hci0', address, layout['name'])
        device = mockobject.objects[path]
        # quirk 2: the template's Connect leaves the Connected property false.
        device.AddMethod(DEVICE_IFACE, 'Connect', '', '', self.connect_method(address))
        device.AddMethod(DEVICE_IFACE, 'Disconnect', '', '', self.disconnect_method(address))
        self.add_gatt(address, device)
        self.advertisement(address)

    def advertisement(self, address):
        """Publishes the layout's advertised services and manufacturer data."""
        layout = self.layouts[address]
        device = mockobject.objects[self.device_path(address)]
        advertised = layout.get('advertised', [])
        manufacturer = layout.get('manufacturer', {})
        changes = {}
        if advertised:
            changes['UUIDs'] = dbus.Array(advertised, signature='s', variant_level=1)
        if manufacturer:
            changes['ManufacturerData'] = dbus.Dictionary(
                {dbus.UInt16(int(k)): variant_bytes(bytes.fromhex(v)) for k, v in manufacturer.items()},
                signature='qv', variant_level=1)
        if changes:
            # Not UpdateProperties: dbusmock cannot re-wrap a dict value (ManufacturerData).
            device.props[DEVICE_IFACE].update(changes)
            device.EmitSignal(dbus.PROPERTIES_IFACE, 'PropertiesChanged', 'sa{sv}as',
                              [DEVICE_IFACE, changes, []])

    def add_gatt(self, address, device):
        layout = self.layouts[address]
        device_path = self.device_path(address)
        char_paths = self.char_paths(address)
        handle = 0x10
        for service_uuid, chars in layout['services'].items():
            service_path = f'{device_path}/service{handle:04x}'
            handle += 1
            device.AddObject(service_path, SERVICE_IFACE, {
                'UUID': dbus.String(service_uuid, variant_level=1),
                'Primary': dbus.Boolean(True, variant_level=1),
                'Device': dbus.ObjectPath(device_path, variant_level=1),
                'Includes': dbus.Array([], signature='o', variant_level=1),
            }, [])
            for char_uuid, spec in chars.items():
                char_path = char_paths[char_uuid.lower()]
                handle += 1
                value = bytes.fromhex(spec.get('value', ''))
                device.AddObject(char_path, CHAR_IFACE, {
                    'UUID': dbus.String(char_uuid, variant_level=1),
                    'Service': dbus.ObjectPath(service_path, variant_level=1),
                    'Value': variant_bytes(value),
                    'Notifying': dbus.Boolean(False, variant_level=1),
                    'Flags': dbus.Array(spec['flags'], signature='s', variant_level=1),
                }, [
                    ('ReadValue', 'a{sv}', 'ay', self.read_method(address)),
                    ('WriteValue', 'aya{sv}', '', self.write_method(address, char_uuid.lower())),
                    ('StartNotify', '', '', self.notify_method(address, True)),
                    ('StopNotify', '', '', self.notify_method(address, False)),
                ])

    def remove_device(self, address):
        path = self.device_path(address)
        if path not in mockobject.objects:
            return False
        gatt = sorted((p for p in mockobject.objects if p.startswith(path + '/')), reverse=True)
        for p in gatt:
            mockobject.objects[p].remove_from_connection()
            del mockobject.objects[p]
        self.root.EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesRemoved', 'oas',
                             [dbus.ObjectPath(path), [DEVICE_IFACE]])
        mockobject.objects[path].remove_from_connection()
        del mockobject.objects[path]
        return True

    @staticmethod
    def set_link(device, up):
        """Connected and ServicesResolved together, as BlueZ reports a link."""
        device.UpdateProperties(DEVICE_IFACE, {
            'Connected': dbus.Boolean(up, variant_level=1),
            'ServicesResolved': dbus.Boolean(up, variant_level=1),
        })

    # --- method implementations (run inside the mock object's method call) -------------

    def connect_method(self, address):
        def connect(device):
            self.count(address, 'Connect')
            layout = self.layouts[address]
            if layout.get('connect_failures', 0) > 0:
                layout['connect_failures'] -= 1
                raise dbus.exceptions.DBusException(
                    'le-connection-abort-by-local', name='org.bluez.Error.Failed')
            self.set_link(device, True)
        return connect

    def disconnect_method(self, address):
        def disconnect(device):
            self.count(address, 'Disconnect')
            self.set_link(device, False)
        return disconnect

    def read_method(self, address):
        def read_value(char, _options):
            self.count(address, 'ReadValue')
            return char.props[CHAR_IFACE]['Value']
        return read_value

    def write_method(self, address, char_uuid):
        def write_value(char, value, options):
            self.count(address, 'WriteValue')
            data = bytes(value)
            kind = str(options.get('type', 'request'))
            flags = [str(f) for f in char.props[CHAR_IFACE]['Flags']]
            needed = 'write-without-response' if kind == 'command' else 'write'
            if needed not in flags:
                raise dbus.exceptions.DBusException(
                    f'write type {kind} needs the {needed} flag',
                    name='org.bluez.Error.NotPermitted')
            self.writes[address].append({'char': char_uuid, 'data': data.hex(), 'type': kind})
            layout = self.layouts[address]
            answer = layout.get('answers', {}).get(data.decode('latin-1'))
            if answer is not None and 'answer_char' in layout:
                # Answer after this call returns, as a device would.
                GLib.idle_add(self.notify, address, layout['answer_char'], answer.encode('latin-1'))
        return write_value

    def notify_method(self, address, on):
        def start_stop(char):
            self.count(address, 'StartNotify' if on else 'StopNotify')
            char.UpdateProperties(CHAR_IFACE, {'Notifying': dbus.Boolean(on, variant_level=1)})
        return start_stop

    def char_object(self, address, char_uuid):
        path = self.char_paths(address).get(char_uuid.lower())
        return mockobject.objects.get(path) if path else None

    def notify(self, address, char_uuid, data):
        char = self.char_object(address, char_uuid)
        if char is None or not char.props[CHAR_IFACE]['Notifying']:
            return False
        char.UpdateProperties(CHAR_IFACE, {'Value': variant_bytes(data)})
        return False  # also the GLib idle callback's "run once"

    # --- commands ------------------------------------------------------------------------

    def handle(self, cmd):
        kind = cmd.get('cmd')
        address = cmd.get('address', '')
        if kind == 'adapter':
            return {'path': self.root.AddAdapter('hci0', 'plugwire-test')}
        if kind == 'add_device':
            return self.add_device(cmd)
        if kind == 'writes':
            return {'writes': self.writes.get(address, [])}
        if kind == 'notify':
            char = self.char_object(address, cmd['char'])
            sent = bool(char is not None and char.props[CHAR_IFACE]['Notifying'])
            self.notify(address, cmd['char'], bytes.fromhex(cmd['data']))
            return {'sent': sent}
        if kind == 'set_value':
            char = self.char_object(address, cmd['char'])
            char.props[CHAR_IFACE]['Value'] = variant_bytes(bytes.fromhex(cmd['data']))
            return {}
        if kind == 'calls':
            return {'count': self.calls.get(address, {}).get(cmd['method'], 0)}
        if kind == 'advertisement':
            for key in ('advertised', 'manufacturer'):
                if key in cmd:
                    self.layouts[address][key] = cmd[key]
            self.advertisement(address)
            return {}
        if kind == 'drop_link':
            self.set_link(mockobject.objects[self.device_path(address)], False)
            return {}
        if kind == 'advertise':
            mockobject.objects[self.device_path(address)].UpdateProperties(DEVICE_IFACE, {
                'RSSI': dbus.Int16(cmd['rssi'], variant_level=1),
            })
            return {}
        if kind == 'go_away':
            path = self.device_path(address)
            device = mockobject.objects.get(path)
            if device is not None and device.props[DEVICE_IFACE]['Connected']:
                self.set_link(device, False)
            return {'removed': self.remove_device(address)}
        if kind == 'reset':
            for known in list(self.layouts):
                self.remove_device(known)
            self.layouts.clear()
            self.writes.clear()
            self.calls.clear()
            if '/org/bluez/hci0' in mockobject.objects:
                self.root.RemoveAdapter('hci0')
            return {}
        if kind == 'come_back':
            self.materialize(address)
            return {}
        raise ValueError(f'unknown command {kind!r}')


def main():
    daemon = subprocess.Popen(
        ['dbus-daemon', '--session', '--nofork', '--print-address=1'],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
    address = daemon.stdout.readline().decode().strip()
    if not address:
        print(json.dumps({'ready': False, 'error': 'dbus-daemon did not start'}), flush=True)
        sys.exit(1)

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    bus_name = dbus.service.BusName('org.bluez', bus, do_not_queue=True)
    logfile = os.environ.get('BLUEZ_STAND_IN_LOG', os.devnull)
    root = mockobject.DBusMockObject(bus_name, '/', OBJECT_MANAGER_IFACE, {}, logfile, True)
    mockobject.objects['/'] = root
    root.AddTemplate('bluez5', None)
    stand_in = StandIn(bus, root)

    loop = GLib.MainLoop()

    def stop(*_):
        loop.quit()
        return False

    def on_stdin(source, _condition):
        line = source.readline()
        if not line:
            return stop()
        try:
            cmd = json.loads(line)
            if cmd.get('cmd') == 'quit':
                return stop()
            reply = stand_in.handle(cmd)
        except Exception as e:  # the test sees the problem instead of a hang
            reply = {'error': f'{type(e).__name__}: {e}'}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, stop)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, stop)
    print(json.dumps({'ready': True, 'address': address, 'dbusmock': dbusmock.__version__}), flush=True)
    try:
        loop.run()
    finally:
        daemon.terminate()
        daemon.wait()


if __name__ == '__main__':
    main()
