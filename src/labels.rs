//! Built-in display labels: a short text per stable code, in English and
//! Chinese, for the screen of a scanner and the person in front of it.
//!
//! A trust bundle carries its own label tables (SPEC.md §12); the bundle
//! builder starts from these, so every code has a label in both languages
//! unless the bundle's author removes one. [`default_label`] is the
//! fallback a scanner uses for a code its bundle does not label.

/// `(code, English, Chinese)` for every error, warning and decision reason code.
pub(crate) const DEFAULT_LABELS: &[(&str, &str, &str)] = &[
    ("prefix.missing", "Not a qrcred code", "不是有效的凭证码"),
    ("prefix.unknown", "Not a qrcred code", "不是有效的凭证码"),
    (
        "prefix.unsupported_version",
        "Code format too new for this scanner",
        "凭证码版本过新，请更新扫码程序",
    ),
    ("base45.invalid_char", "Code damaged or misread", "凭证码损坏或识别错误"),
    (
        "base45.invalid_length",
        "Code damaged or misread",
        "凭证码损坏或识别错误",
    ),
    (
        "base45.value_out_of_range",
        "Code damaged or misread",
        "凭证码损坏或识别错误",
    ),
    ("base45.empty", "Code is empty", "凭证码为空"),
    ("compression.invalid", "Code damaged", "凭证码已损坏"),
    ("compression.trailing_bytes", "Code damaged", "凭证码已损坏"),
    ("compression.failed", "Code could not be created", "无法生成凭证码"),
    ("cbor.truncated", "Code damaged", "凭证码已损坏"),
    ("cbor.trailing_bytes", "Code damaged", "凭证码已损坏"),
    ("cbor.indefinite_length", "Code not in qrcred format", "凭证码格式不符"),
    ("cbor.non_shortest", "Code not in qrcred format", "凭证码格式不符"),
    ("cbor.duplicate_key", "Code not in qrcred format", "凭证码格式不符"),
    ("cbor.malformed", "Code damaged", "凭证码已损坏"),
    ("cbor.invalid_utf8", "Code damaged", "凭证码已损坏"),
    ("cbor.unsupported", "Code not in qrcred format", "凭证码格式不符"),
    ("cbor.encode", "Code could not be created", "无法生成凭证码"),
    ("cose.not_sign1", "Code not in qrcred format", "凭证码格式不符"),
    ("cose.malformed", "Code not in qrcred format", "凭证码格式不符"),
    ("cose.missing_alg", "Code not in qrcred format", "凭证码格式不符"),
    (
        "cose.unsupported_alg",
        "Signature type not accepted",
        "不支持的签名算法",
    ),
    (
        "cose.unsupported_alg_name",
        "Signature type not accepted",
        "不支持的签名算法",
    ),
    ("cose.missing_kid", "Code not in qrcred format", "凭证码格式不符"),
    ("cose.invalid_kid", "Code not in qrcred format", "凭证码格式不符"),
    ("cose.unprotected_header", "Code not in qrcred format", "凭证码格式不符"),
    ("cose.unsupported_header", "Code not in qrcred format", "凭证码格式不符"),
    ("cose.detached_payload", "Code not in qrcred format", "凭证码格式不符"),
    ("key.unknown_kid", "Issuer not recognised", "签发机构未获信任"),
    (
        "key.outside_validity",
        "Issuer key not valid when the code was issued",
        "签发时签发密钥不在有效期内",
    ),
    (
        "key.kind_not_allowed",
        "Issuer may not issue this kind of code",
        "签发机构无权签发此类凭证",
    ),
    ("key.invalid_encoding", "Key file is invalid", "密钥文件无效"),
    ("key.non_canonical", "Key not in canonical form", "密钥编码不规范"),
    ("key.small_order", "Weak key refused", "弱密钥，已拒绝"),
    ("key.mixed_order", "Malformed key refused", "密钥含小阶分量，已拒绝"),
    ("key.encode_failed", "Key could not be written", "无法写入密钥"),
    (
        "key.retired",
        "Issued after the issuer key was retired",
        "签发密钥停用后签发，凭证无效",
    ),
    (
        "key.beyond_withdrawal",
        "Valid too long after its issuer key was withdrawn",
        "有效期超出签发密钥停用后的允许期限",
    ),
    (
        "key.randomness",
        "No secure randomness for a new key",
        "无法获取安全随机数以生成密钥",
    ),
    ("signature.invalid_length", "Signature damaged", "签名已损坏"),
    (
        "signature.invalid",
        "Forged or altered code",
        "签名无效：凭证码被伪造或篡改",
    ),
    ("time.expired", "Code expired", "凭证码已过期"),
    ("time.not_yet_valid", "Code not yet valid", "凭证码尚未生效"),
    (
        "time.clock_behind",
        "Scanner clock is wrong: check date and time",
        "扫码设备时间有误，请检查日期和时间",
    ),
    ("time.out_of_range", "Date out of range", "日期超出范围"),
    ("claims.not_a_map", "Code content invalid", "凭证内容无效"),
    ("claims.missing", "Code content incomplete", "凭证内容不完整"),
    ("claims.wrong_type", "Code content invalid", "凭证内容无效"),
    ("claims.invalid_value", "Code content invalid", "凭证内容无效"),
    ("claims.invisible_char", "Code content invalid", "凭证内容无效"),
    (
        "claims.unknown_field",
        "Code format too new for this scanner",
        "凭证内容版本过新，请更新扫码程序",
    ),
    ("claims.invalid_kind", "Code content invalid", "凭证内容无效"),
    ("claims.invalid_window", "Code validity invalid", "凭证有效期无效"),
    ("claims.validity_too_long", "Code validity too long", "凭证有效期过长"),
    ("claims.issuer_mismatch", "Issuer does not match", "签发机构不符"),
    ("limits.text_too_long", "Code too long", "凭证码过长"),
    ("limits.inflated_too_large", "Code content too large", "凭证内容过大"),
    ("limits.cbor_too_deep", "Code content too complex", "凭证内容结构过深"),
    (
        "limits.cbor_too_many_items",
        "Code content too complex",
        "凭证内容项目过多",
    ),
    ("limits.cbor_length", "Code damaged", "凭证码已损坏"),
    ("limits.field_too_long", "Code content too long", "凭证内容字段过长"),
    ("limits.out_of_range", "Scanner misconfigured", "扫码设备配置错误"),
    ("options.invalid", "Scanner misconfigured", "扫码设备配置错误"),
    ("hcert.not_compressed", "Health certificate damaged", "健康证书码已损坏"),
    ("hcert.malformed", "Health certificate damaged", "健康证书码已损坏"),
    (
        "hcert.unsupported_alg",
        "Health certificate not supported",
        "不支持的健康证书",
    ),
    ("hcert.missing_kid", "Health certificate damaged", "健康证书码已损坏"),
    ("hcert.schema", "Health certificate invalid", "健康证书内容无效"),
    ("hcert.entry_count", "Health certificate invalid", "健康证书内容无效"),
    (
        "hcert.unmapped",
        "Health certificate not supported here",
        "此处不支持该健康证书内容",
    ),
    ("hcert.certificate", "Signer certificate invalid", "签发证书无效"),
    (
        "hcert.unsupported_key",
        "Signer certificate not supported",
        "不支持的签发证书",
    ),
    ("limits.image_too_large", "Image too large", "图片过大"),
    (
        "scan.unsupported_format",
        "Image format not supported",
        "不支持的图片格式",
    ),
    ("scan.invalid_image", "Image damaged", "图片已损坏"),
    ("scan.buffer_size", "Camera image invalid", "摄像头图像无效"),
    ("scan.empty_image", "Image is empty", "图片为空"),
    ("scan.decoder_failed", "Could not read the QR code", "无法识别二维码"),
    (
        "render.not_alphanumeric",
        "Text cannot be drawn as a code",
        "文本无法生成二维码",
    ),
    (
        "render.too_long",
        "Text too long for a QR code",
        "文本过长，无法生成二维码",
    ),
    ("render.invalid_options", "Invalid image options", "图片参数无效"),
    ("render.png", "Image could not be written", "无法生成图片"),
    (
        "trust.unknown_root",
        "Trust list not from a trusted source",
        "信任列表来源不可信",
    ),
    (
        "trust.rollback",
        "Trust list older than the one in use",
        "信任列表版本过旧",
    ),
    (
        "trust.sequence_reused",
        "Trust data replaced without a new number: refused",
        "信任数据序号重复但内容不同，已拒绝",
    ),
    (
        "trust.not_yet_valid",
        "Trust list dated in the future",
        "信任列表日期在未来",
    ),
    (
        "trust.stale",
        "Trust list out of date: update it",
        "信任列表已过期，请更新",
    ),
    ("trust.not_a_bundle", "Not a trust list", "不是信任列表文件"),
    (
        "trust.unsupported_version",
        "Trust list too new for this scanner",
        "信任列表版本过新，请更新扫码程序",
    ),
    ("trust.missing", "Trust list incomplete", "信任列表不完整"),
    ("trust.wrong_type", "Trust list invalid", "信任列表无效"),
    ("trust.invalid_value", "Trust list invalid", "信任列表无效"),
    (
        "trust.unknown_field",
        "Trust list too new for this scanner",
        "信任列表版本过新，请更新扫码程序",
    ),
    ("trust.too_large", "Trust list too large", "信任列表过大"),
    (
        "revoked.credential",
        "Code revoked by its issuer",
        "凭证已被签发机构撤销",
    ),
    ("revoked.key", "Issuer key revoked", "签发密钥已被吊销"),
    ("rules.malformed", "Entry rules invalid", "通行规则无效"),
    ("rules.invalid_value", "Entry rules invalid", "通行规则无效"),
    ("rules.too_deep", "Entry rules too complex", "通行规则过于复杂"),
    ("rules.too_large", "Entry rules too large", "通行规则过大"),
    // Decision reasons (SPEC.md §13.3).
    ("status.green", "Green code", "绿码"),
    (
        "status.yellow_admitted",
        "Yellow code: admitted by the rules",
        "黄码：按规则放行",
    ),
    ("status.yellow", "Yellow code: not admitted", "黄码：不予通行"),
    ("status.red", "Red code: not admitted", "红码：不予通行"),
    ("status.too_old", "Health code too old", "健康码已超时效"),
    ("test.negative", "Negative test", "检测阴性"),
    ("test.too_old", "Test too old", "检测结果已超时效"),
    ("test.positive", "Positive test", "检测阳性"),
    (
        "test.type_not_accepted",
        "Test type not accepted here",
        "此处不接受该类检测",
    ),
    ("test.in_future", "Test dated in the future", "检测时间在未来"),
    ("vaccination.complete", "Vaccinated", "已完成接种"),
    ("vaccination.incomplete", "Vaccination incomplete", "未完成全程接种"),
    ("vaccination.too_recent", "Vaccination too recent", "接种时间不足"),
    ("vaccination.too_old", "Vaccination too long ago", "接种已超时效"),
    (
        "vaccination.wrong_disease",
        "Vaccination not for the required disease",
        "接种疫苗不符合要求",
    ),
    ("recovery.valid", "Recovered", "已康复"),
    ("recovery.not_yet_valid", "Recovery not yet valid", "康复证明尚未生效"),
    ("recovery.expired", "Recovery expired", "康复证明已过期"),
    (
        "recovery.wrong_disease",
        "Recovery not for the required disease",
        "康复证明不符合要求",
    ),
    ("site.match", "Access pass for this site", "本处通行证"),
    ("site.mismatch", "Access pass for another site", "非本处通行证"),
    ("site.not_configured", "Gate has no site set", "闸机未设置地点"),
    ("role.not_allowed", "Role not admitted here", "该身份不予通行"),
    ("credential.missing", "Required code missing", "缺少所需凭证"),
    ("credential.none", "No code presented", "未出示凭证码"),
    ("subject.mismatch", "Codes of different people", "凭证不属于同一人"),
];

/// The built-in label of `code` in `lang` (`"en"` or `"zh"`; a region
/// such as `"zh-CN"` falls back to its language), if any.
pub fn default_label(code: &str, lang: &str) -> Option<&'static str> {
    let (_, en, zh) = DEFAULT_LABELS.iter().find(|(c, _, _)| *c == code)?;
    match primary_language(lang) {
        "en" => Some(en),
        "zh" => Some(zh),
        _ => None,
    }
}

/// `"zh"` of `"zh-CN"`, `"zh_Hans"` or `"zh"`.
pub(crate) fn primary_language(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn every_code_has_an_english_and_a_chinese_label() {
        for code in Error::all_codes().chain(crate::Reason::CODES.iter().copied()) {
            assert!(default_label(code, "en").is_some_and(|l| !l.is_empty()), "{code} en");
            assert!(default_label(code, "zh-CN").is_some_and(|l| !l.is_empty()), "{code} zh");
        }
        let codes: alloc::vec::Vec<&str> = Error::all_codes().chain(crate::Reason::CODES.iter().copied()).collect();
        for (code, _, _) in DEFAULT_LABELS {
            assert!(codes.contains(code), "label for an unknown code {code}");
        }
        assert_eq!(default_label("signature.invalid", "fr"), None);
    }
}
