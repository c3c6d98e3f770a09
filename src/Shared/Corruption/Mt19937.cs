namespace HardSamples.Shared.Corruption;

/// <summary>
/// MT19937 with NumPy's legacy <c>RandomState</c> semantics, so that every seeded draw made here can be
/// reproduced in Python: <see cref="Mt19937(uint)"/> equals <c>np.random.seed(s)</c> (<c>init_genrand</c>),
/// <see cref="FromKey"/> equals <c>np.random.RandomState([a, b, …])</c> (<c>init_by_array</c>),
/// <see cref="Shuffle{T}"/> equals <c>RandomState.shuffle</c> on a 1-D array, <see cref="NextDouble"/> equals
/// <c>random_sample()</c> and <see cref="NextGaussian"/> equals <c>standard_normal()</c>.
/// Spec: <c>../shared/bench/np_legacy_shuffle.py</c>.
/// </summary>
public sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _pos;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>Seeds with <c>init_genrand(seed)</c> (NumPy <c>np.random.seed(int)</c>).</summary>
    public Mt19937(uint seed)
    {
        InitGenrand(seed);
    }

    private Mt19937()
    {
    }

    /// <summary>Seeds with <c>init_by_array(key)</c> (NumPy <c>RandomState([k0, k1, …])</c>).</summary>
    public static Mt19937 FromKey(params uint[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0) throw new ArgumentException("The seed key is empty.", nameof(key));
        var rng = new Mt19937();
        rng.InitGenrand(19650218u);
        var mt = rng._mt;
        int i = 1, j = 0;
        for (var k = Math.Max(N, key.Length); k > 0; k--)
        {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
            i++;
            j++;
            if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
            if (j >= key.Length) j = 0;
        }
        for (var k = N - 1; k > 0; k--)
        {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
            i++;
            if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
        }
        mt[0] = 0x80000000u;
        rng._pos = N;
        return rng;
    }

    private void InitGenrand(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < N; i++)
            _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _pos = N;
        _hasGauss = false;
    }

    /// <summary>The next tempered 32-bit output (<c>genrand_int32</c>).</summary>
    public uint NextUInt32()
    {
        if (_pos >= N) Twist();
        var y = _mt[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        var mt = _mt;
        for (var i = 0; i < N; i++)
        {
            var y = (mt[i] & 0x80000000u) | (mt[(i + 1) % N] & 0x7FFFFFFFu);
            var v = mt[(i + M) % N] ^ (y >> 1);
            if ((y & 1) != 0) v ^= 0x9908B0DFu;
            mt[i] = v;
        }
        _pos = 0;
    }

    /// <summary>Uniform integer in [0, <paramref name="max"/>] by mask rejection (NumPy legacy <c>random_interval</c>).</summary>
    public uint RandomInterval(uint max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint v;
        while ((v = NextUInt32() & mask) > max)
        {
        }
        return v;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits (<c>genrand_res53</c>, NumPy <c>random_sample</c>).</summary>
    public double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>Standard normal draw by the polar method with a cached second value (NumPy legacy <c>gauss</c>).</summary>
    public double NextGaussian()
    {
        if (_hasGauss)
        {
            _hasGauss = false;
            return _gauss;
        }
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);
        var f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>Shuffles in place exactly like NumPy's legacy <c>RandomState.shuffle</c> on a 1-D array.</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = (int)RandomInterval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary><c>np.random.seed(seed); a = np.arange(n); np.random.shuffle(a)</c>.</summary>
    public static int[] LegacyPermutation(int n, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var perm = new int[n];
        for (var i = 0; i < n; i++) perm[i] = i;
        new Mt19937(seed).Shuffle<int>(perm);
        return perm;
    }
}
