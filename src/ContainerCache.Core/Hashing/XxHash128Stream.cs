#if NET
using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ContainerCache.Hashing;

/// <summary>
/// XXH3-128 with seed 0 (what <see cref="XxHash128"/> and <c>xxh128sum</c> compute) over a stream,
/// through a caller's buffer. It exists for speed in a fresh process: the hot loop is marked
/// <see cref="MethodImplOptions.AggressiveOptimization"/>, so it is compiled optimised on its
/// first call. System.IO.Hashing's streaming path runs its per-block method at tier 0 until tiered
/// compilation promotes it (100 ms after start-up activity settles), and crossgen2 cannot
/// precompile it, because it passes Vector256 values to CoreLib.
/// </summary>
internal static class XxHash128Stream
{
    private const int StripeLength = 64;
    private const int StripesPerBlock = 16; // (secret length - stripe length) / 8
    private const int ScrambleOffset = 128; // secret length - stripe length
    private const int LastStripeOffset = 121; // secret length - stripe length - 7
    private const int MaxShortLength = 240;

    private const ulong Prime32_1 = 0x9E3779B1UL;
    private const ulong Prime32_2 = 0x85EBCA77UL;
    private const ulong Prime32_3 = 0xC2B2AE3DUL;
    private const ulong Prime64_1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime64_2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime64_3 = 0x165667B19E3779F9UL;
    private const ulong Prime64_4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime64_5 = 0x27D4EB2F165667C5UL;

    /// <summary>Whether the stripe loop uses AVX2; tests turn it off to check the portable loop too.</summary>
    internal static bool UseAvx2 = Avx2.IsSupported && BitConverter.IsLittleEndian;

    /// <summary>XXH3's default secret, 192 bytes.</summary>
    private static ReadOnlySpan<byte> Secret => new byte[]
    {
        0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
        0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
        0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
        0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
        0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
        0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
        0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
        0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
        0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
        0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
        0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
        0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
    };

    /// <summary>
    /// Hashes the rest of <paramref name="stream"/> into <paramref name="destination"/> (16 bytes,
    /// in the order <c>xxh128sum</c> prints) and returns how many bytes it read.
    /// </summary>
    /// <param name="buffer">At least 1 KiB. Memory use is this buffer, whatever the stream's length.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Hash(Stream stream, byte[] buffer, Span<byte> destination)
    {
        if (buffer.Length < 1024)
        {
            throw new ArgumentException("The buffer must hold at least 1 KiB.", nameof(buffer));
        }

        // The first 64 bytes of the buffer receive the last 64 of the previous chunk; data is read after them.
        int end = StripeLength;
        bool atEnd = Fill(stream, buffer, ref end);
        long total = end - StripeLength;
        if (atEnd && total <= MaxShortLength)
        {
            // Short inputs take other formulas; they are cheap at any tier.
            XxHash128.Hash(new ReadOnlySpan<byte>(buffer, StripeLength, (int)total), destination);
            return total;
        }

        Span<ulong> acc = stackalloc ulong[8]
        {
            Prime32_3, Prime64_1, Prime64_2, Prime64_3, Prime64_4, Prime32_2, Prime64_5, Prime32_1,
        };
        int stripeInBlock = 0;
        int position = StripeLength;
        while (true)
        {
            // A stripe is consumed only when at least one byte follows it: the input's last 64
            // bytes are always mixed in at the end, with their own secret.
            int stripes = (end - position - 1) / StripeLength;
            stripeInBlock = Consume(acc, new ReadOnlySpan<byte>(buffer, position, stripes * StripeLength), stripeInBlock);
            position += stripes * StripeLength;
            if (atEnd)
            {
                break;
            }

            // 1 to 64 bytes are left unconsumed, all within the last 64, which move to the front.
            Buffer.BlockCopy(buffer, end - StripeLength, buffer, 0, StripeLength);
            position -= end - StripeLength;
            end = StripeLength;
            atEnd = Fill(stream, buffer, ref end);
            total += end - StripeLength;
        }

        AccumulateStripe(acc, new ReadOnlySpan<byte>(buffer, end - StripeLength, StripeLength), Secret.Slice(LastStripeOffset));
        ulong length = (ulong)total;
        ulong low = Merge(acc, Secret.Slice(11), length * Prime64_1);
        ulong high = Merge(acc, Secret.Slice(ScrambleOffset - 11), ~(length * Prime64_2));
        BinaryPrimitives.WriteUInt64BigEndian(destination, high);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), low);
        return total;
    }

    /// <summary>Reads until the buffer is full (false) or the stream ends (true).</summary>
    private static bool Fill(Stream stream, byte[] buffer, ref int end)
    {
        while (end < buffer.Length)
        {
            int read = stream.Read(buffer, end, buffer.Length - end);
            if (read <= 0)
            {
                return true;
            }

            end += read;
        }

        return false;
    }

    /// <summary>Mixes whole stripes into the accumulators, scrambling them after each block's 16th.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Consume(Span<ulong> acc, ReadOnlySpan<byte> stripes, int stripeInBlock)
    {
        ReadOnlySpan<byte> secret = Secret;
        if (UseAvx2)
        {
            ref byte source = ref MemoryMarshal.GetReference(stripes);
            ref byte key = ref MemoryMarshal.GetReference(secret);
            ref ulong accumulators = ref MemoryMarshal.GetReference(acc);
            Vector256<ulong> acc0 = Vector256.LoadUnsafe(ref accumulators);
            Vector256<ulong> acc1 = Vector256.LoadUnsafe(ref accumulators, 4);
            Vector256<ulong> scramble0 = Vector256.LoadUnsafe(ref key, ScrambleOffset).AsUInt64();
            Vector256<ulong> scramble1 = Vector256.LoadUnsafe(ref key, ScrambleOffset + 32).AsUInt64();
            for (nuint offset = 0; offset < (nuint)stripes.Length; offset += StripeLength)
            {
                nuint keyOffset = (nuint)stripeInBlock * 8;
                acc0 = Accumulate(acc0, Vector256.LoadUnsafe(ref source, offset).AsUInt64(), Vector256.LoadUnsafe(ref key, keyOffset).AsUInt64());
                acc1 = Accumulate(acc1, Vector256.LoadUnsafe(ref source, offset + 32).AsUInt64(), Vector256.LoadUnsafe(ref key, keyOffset + 32).AsUInt64());
                if (++stripeInBlock == StripesPerBlock)
                {
                    stripeInBlock = 0;
                    acc0 = Scramble(acc0, scramble0);
                    acc1 = Scramble(acc1, scramble1);
                }
            }

            acc0.StoreUnsafe(ref accumulators);
            acc1.StoreUnsafe(ref accumulators, 4);
            return stripeInBlock;
        }

        for (int offset = 0; offset < stripes.Length; offset += StripeLength)
        {
            AccumulateStripe(acc, stripes.Slice(offset, StripeLength), secret.Slice(stripeInBlock * 8));
            if (++stripeInBlock == StripesPerBlock)
            {
                stripeInBlock = 0;
                for (int i = 0; i < 8; i++)
                {
                    ulong value = acc[i];
                    value ^= value >> 47;
                    value ^= BinaryPrimitives.ReadUInt64LittleEndian(secret.Slice(ScrambleOffset + (8 * i)));
                    acc[i] = value * Prime32_1;
                }
            }
        }

        return stripeInBlock;
    }

    /// <summary>Four lanes of one stripe: each lane adds its neighbour's data and (key low half × key high half).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Accumulate(Vector256<ulong> acc, Vector256<ulong> data, Vector256<ulong> secret)
    {
        Vector256<ulong> keyed = data ^ secret;
        Vector256<ulong> product = Avx2.Multiply(keyed.AsUInt32(), Avx2.ShiftRightLogical(keyed, 32).AsUInt32());
        Vector256<ulong> swapped = Avx2.Shuffle(data.AsUInt32(), 0b01_00_11_10).AsUInt64();
        return acc + product + swapped;
    }

    /// <summary>acc = (acc ^ (acc >> 47) ^ secret) × Prime32_1, with 32-bit multiplies only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Scramble(Vector256<ulong> acc, Vector256<ulong> secret)
    {
        acc = acc ^ Avx2.ShiftRightLogical(acc, 47) ^ secret;
        Vector256<uint> prime = Vector256.Create(Prime32_1).AsUInt32();
        Vector256<ulong> low = Avx2.Multiply(acc.AsUInt32(), prime);
        Vector256<ulong> high = Avx2.Multiply(Avx2.ShiftRightLogical(acc, 32).AsUInt32(), prime);
        return low + Avx2.ShiftLeftLogical(high, 32);
    }

    private static void AccumulateStripe(Span<ulong> acc, ReadOnlySpan<byte> stripe, ReadOnlySpan<byte> secret)
    {
        for (int i = 0; i < 8; i++)
        {
            ulong data = BinaryPrimitives.ReadUInt64LittleEndian(stripe.Slice(8 * i));
            ulong keyed = data ^ BinaryPrimitives.ReadUInt64LittleEndian(secret.Slice(8 * i));
            acc[i ^ 1] += data;
            acc[i] += (keyed & 0xFFFFFFFF) * (keyed >> 32);
        }
    }

    private static ulong Merge(Span<ulong> acc, ReadOnlySpan<byte> secret, ulong start)
    {
        ulong result = start;
        for (int i = 0; i < 4; i++)
        {
            ulong left = acc[2 * i] ^ BinaryPrimitives.ReadUInt64LittleEndian(secret.Slice(16 * i));
            ulong right = acc[(2 * i) + 1] ^ BinaryPrimitives.ReadUInt64LittleEndian(secret.Slice((16 * i) + 8));
            ulong upper = Math.BigMul(left, right, out ulong lower);
            result += upper ^ lower;
        }

        result ^= result >> 37;
        result *= 0x165667919E3779F9UL;
        return result ^ (result >> 32);
    }
}
#endif
