// The protobuf wire format, hand-written so the binding needs no protobuf library: just
// what the generated classes in Proto.g.cs use (varints, 64-bit fixed, length-delimited).
using System;
using System.Text;

namespace Plugwire.Proto
{
    /// <summary>Bytes that are not a valid protobuf encoding of the expected message.</summary>
    public sealed class ProtoException : Exception
    {
        public ProtoException(string message) : base(message) { }
    }

    /// <summary>A generated message.</summary>
    public interface IProtoMessage
    {
        void WriteTo(ProtoWriter w);
        void MergeFrom(ProtoReader r);
        byte[] ToByteArray();
    }

    /// <summary>Appends protobuf fields to a growing buffer.</summary>
    public sealed class ProtoWriter
    {
        private byte[] _buffer = new byte[64];
        private int _length;

        public int Length { get { return _length; } }

        public byte[] ToArray()
        {
            var result = new byte[_length];
            Buffer.BlockCopy(_buffer, 0, result, 0, _length);
            return result;
        }

        private void Reserve(int extra)
        {
            if (_length + extra <= _buffer.Length) return;
            int size = _buffer.Length * 2;
            while (size < _length + extra) size *= 2;
            var grown = new byte[size];
            Buffer.BlockCopy(_buffer, 0, grown, 0, _length);
            _buffer = grown;
        }

        public void WriteRawVarint(ulong value)
        {
            Reserve(10);
            while (value >= 0x80)
            {
                _buffer[_length++] = (byte)(value | 0x80);
                value >>= 7;
            }
            _buffer[_length++] = (byte)value;
        }

        public void WriteRawBytes(byte[] bytes, int offset, int count)
        {
            Reserve(count);
            Buffer.BlockCopy(bytes, offset, _buffer, _length, count);
            _length += count;
        }

        private void Tag(int field, int wireType)
        {
            WriteRawVarint((ulong)(((uint)field << 3) | (uint)wireType));
        }

        public void WriteUInt32(int field, uint value) { Tag(field, 0); WriteRawVarint(value); }
        public void WriteUInt64(int field, ulong value) { Tag(field, 0); WriteRawVarint(value); }
        // Negative int32/int64 values are sign-extended to 64 bits (ten bytes), as protobuf does.
        public void WriteInt32(int field, int value) { Tag(field, 0); WriteRawVarint((ulong)(long)value); }
        public void WriteInt64(int field, long value) { Tag(field, 0); WriteRawVarint((ulong)value); }
        public void WriteBool(int field, bool value) { Tag(field, 0); WriteRawVarint(value ? 1UL : 0UL); }

        public void WriteDouble(int field, double value)
        {
            Tag(field, 1);
            ulong bits = (ulong)BitConverter.DoubleToInt64Bits(value);
            Reserve(8);
            for (int i = 0; i < 8; i++)
            {
                _buffer[_length++] = (byte)(bits >> (8 * i));
            }
        }

        public void WriteBytes(int field, byte[] value)
        {
            Tag(field, 2);
            WriteRawVarint((ulong)value.Length);
            WriteRawBytes(value, 0, value.Length);
        }

        public void WriteString(int field, string value)
        {
            WriteBytes(field, Encoding.UTF8.GetBytes(value));
        }

        public void WriteMessage(int field, IProtoMessage message)
        {
            var inner = new ProtoWriter();
            message.WriteTo(inner);
            WritePacked(field, inner);
        }

        /// <summary>Writes another writer's bytes as one length-delimited field.</summary>
        public void WritePacked(int field, ProtoWriter inner)
        {
            Tag(field, 2);
            WriteRawVarint((ulong)inner._length);
            WriteRawBytes(inner._buffer, 0, inner._length);
        }
    }

    /// <summary>Reads protobuf fields from a slice of a byte array.</summary>
    public sealed class ProtoReader
    {
        private const int MaxDepth = 64;
        private readonly byte[] _data;
        private int _pos;
        private readonly int _end;
        private readonly int _depth;

        public ProtoReader(byte[] data, int offset, int count) : this(data, offset, count, 0) { }

        private ProtoReader(byte[] data, int offset, int count, int depth)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset + count > data.Length)
                throw new ArgumentOutOfRangeException("count");
            _data = data;
            _pos = offset;
            _end = offset + count;
            _depth = depth;
        }

        public bool AtEnd { get { return _pos >= _end; } }

        public ulong ReadRawVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 70; shift += 7)
            {
                if (_pos >= _end) throw new ProtoException("truncated varint");
                byte b = _data[_pos++];
                if (shift == 63 && b > 1) throw new ProtoException("varint overflows 64 bits");
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new ProtoException("varint longer than ten bytes");
        }

        public uint ReadTag()
        {
            ulong tag = ReadRawVarint();
            if (tag > uint.MaxValue || (tag >> 3) == 0) throw new ProtoException("invalid field tag " + tag);
            return (uint)tag;
        }

        public uint ReadUInt32() { return (uint)ReadRawVarint(); }
        public ulong ReadUInt64() { return ReadRawVarint(); }
        public int ReadInt32() { return (int)ReadRawVarint(); }
        public long ReadInt64() { return (long)ReadRawVarint(); }
        public bool ReadBool() { return ReadRawVarint() != 0; }

        public double ReadDouble()
        {
            if (_end - _pos < 8) throw new ProtoException("truncated double");
            ulong bits = 0;
            for (int i = 0; i < 8; i++)
            {
                bits |= (ulong)_data[_pos++] << (8 * i);
            }
            return BitConverter.Int64BitsToDouble((long)bits);
        }

        private int ReadLength()
        {
            ulong len = ReadRawVarint();
            if (len > (ulong)(_end - _pos)) throw new ProtoException("length-delimited field runs past the end");
            return (int)len;
        }

        public byte[] ReadBytes()
        {
            int len = ReadLength();
            var result = new byte[len];
            Buffer.BlockCopy(_data, _pos, result, 0, len);
            _pos += len;
            return result;
        }

        public string ReadString()
        {
            int len = ReadLength();
            string s;
            try
            {
                s = new UTF8Encoding(false, true).GetString(_data, _pos, len);
            }
            catch (ArgumentException)
            {
                throw new ProtoException("string field is not valid UTF-8");
            }
            _pos += len;
            return s;
        }

        /// <summary>A reader over the next length-delimited field (packed values, a message).</summary>
        public ProtoReader ReadLengthDelimited()
        {
            if (_depth >= MaxDepth) throw new ProtoException("messages nested too deeply");
            int len = ReadLength();
            var sub = new ProtoReader(_data, _pos, len, _depth + 1);
            _pos += len;
            return sub;
        }

        public void ReadMessage(IProtoMessage message)
        {
            message.MergeFrom(ReadLengthDelimited());
        }

        public void SkipField(uint tag)
        {
            switch (tag & 7)
            {
                case 0: ReadRawVarint(); break;
                case 1:
                    if (_end - _pos < 8) throw new ProtoException("truncated fixed64");
                    _pos += 8;
                    break;
                case 2: _pos += ReadLength(); break;
                case 5:
                    if (_end - _pos < 4) throw new ProtoException("truncated fixed32");
                    _pos += 4;
                    break;
                default: throw new ProtoException("unsupported wire type " + (tag & 7));
            }
        }
    }
}
