using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ConfigCenter.Testing;

/// <summary>A test CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in a directory.</summary>
public sealed record TestPki(string Ca, string ServerCertificate, string ServerKey, string ClientCertificate, string ClientKey)
{
    /// <summary>Creates the CA and both certificates and writes them as PEM files into <paramref name="directory"/>.</summary>
    public static TestPki Create(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=ConfigCenter test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var (serverCert, serverKey) = Issue(ca, "CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", san: true);
        var (clientCert, clientKey) = Issue(ca, "CN=configcenter-client", "1.3.6.1.5.5.7.3.2", san: false);
        var pki = new TestPki(Path.Combine(directory, "ca.pem"), Path.Combine(directory, "server.pem"), Path.Combine(directory, "server-key.pem"),
            Path.Combine(directory, "client.pem"), Path.Combine(directory, "client-key.pem"));
        File.WriteAllText(pki.Ca, ca.ExportCertificatePem());
        File.WriteAllText(pki.ServerCertificate, serverCert);
        File.WriteAllText(pki.ServerKey, serverKey);
        File.WriteAllText(pki.ClientCertificate, clientCert);
        File.WriteAllText(pki.ClientKey, clientKey);
        return pki;

        (string Certificate, string Key) Issue(X509Certificate2 issuer, string subject, string usage, bool san)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
            if (san)
            {
                var names = new SubjectAlternativeNameBuilder();
                names.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(names.Build());
            }
            var serial = RandomNumberGenerator.GetBytes(16);
            serial[0] &= 0x7f;
            using var certificate = request.Create(issuer, now.AddMinutes(-5), now.AddDays(1), serial);
            return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
        }
    }
}
