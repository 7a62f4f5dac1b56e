"""A tiny county with one of every entity the index knows, and the ties between them.

王芳's household H001 holds her son 王强, who is paid on his mother's card (she is paid once
after her death); 赵敏 (another household) is paid on the same card too: a shared account.
张伟 is the village's Party secretary in H002, owns a car and represents a company, which
is paid 留工补贴 against its insured headcount; another company is paid unregistered; 孙丽
appears only on a payroll.
"""

from __future__ import annotations

from tests.models.county import TOWNSHIP, VILLAGE, Company, County, months

county = County()
wang = county.person("王芳", born="1950-03-05", household="H001", relation="户主")
son = county.person("王强", born="1975-06-01", household="H001", relation="子")
zhao = county.person("赵敏", born="1970-01-01", household="H003", relation="户主",
                     village="河西村")
zhang = county.person("张伟", born="1968-02-02", household="H002", relation="户主")
sun = county.person("孙丽", born="1980-08-08", registered=False)
clerk = county.person("钱进", born="1985-05-05", household="H004", relation="户主")

county.death(wang, "2024-03-15", source="火化")
county.certificate(wang, 2, issue_date="2019-06-01", status="有效")
county.enroll(wang, "低保", "2020-01")
county.land(wang, "耕地", "3.5")
county.land(son, "耕地", "1.5")
county.land(son, "草原", "10")
wang_paid = county.pay(wang, "低保", months("2024-01", "2024-03"), 500)
after_death = county.pay(wang, "低保", "2024-06", 500, file="补发.csv")
county.pay(son, "低保", months("2024-04", "2024-05"), 500, account=wang.account)
county.pay(zhao, "低保", months("2024-01", "2024-02"), 400, account=wang.account)
county.pay(sun, "低保", "2024-01", 300, township=TOWNSHIP, village=VILLAGE)
# An annual program's period (2023) sorts before a month: the card still names both.
county.pay(sun, "地力补贴", "2023", 105, township="", village="")
county.official(zhang, "村干部", "2021-01-01", post="村党支部书记", township=TOWNSHIP,
                village=VILLAGE)
county.official(clerk, "公务员", "2019-07-01", post="科员", township=TOWNSHIP,
                employer="乡政府")
county.vehicle(zhang, "小型轿车", plate="陕C12345")
CREDIT_CODE = "91610327MA6XXXXX0X"
county.business(zhang, "存续", company="陇县张氏商贸有限公司", credit_code=CREDIT_CODE)
county.business(son, "注销", company="陇县王家小卖部")
# 张伟's company is paid 留工补贴 (contract §5) on its 对公账号 against its insured headcount;
# another company is paid though the registry does not know it (查无此企).
firm = Company(CREDIT_CODE, "陇县张氏商贸有限公司", zhang)
county.insured(firm, "2024-01", 8)
county.insured(firm, "2024-02", 8)
county.pay_company(firm, "留工补贴", "2024-01", 4000, claimed=10, file="留工.csv")
stranger = county.company("陇县无名贸易有限公司", registered=False)
county.pay_company(stranger, "留工补贴", "2024-01", 1500, claimed=3, file="留工.csv")
